using System.Net;
using System.Text.Json;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Operations;

/// <summary>/healthz and /readyz as the gateway and an orchestrator read them; each test has its own NATS, since it stops it.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Readyz_goes_red_while_NATS_is_down_and_green_once_it_is_back_while_healthz_stays_green()
    {
        await using var nodes = new NatsNodes { Count = 1 };
        await nodes.InitializeAsync();
        using var http = new HttpClient { BaseAddress = nodes.Nodes[0].BaseAddress };

        var ready = await WaitForReadyzAsync(http, HttpStatusCode.OK);
        await nodes.Nats.StopAsync();
        var down = await WaitForReadyzAsync(http, HttpStatusCode.ServiceUnavailable);
        using var live = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        await nodes.Nats.StartAgainAsync();
        var back = await WaitForReadyzAsync(http, HttpStatusCode.OK);

        Assert.Equal(["blobs", "bus", "search", "store"], ready.GetProperty("checks").EnumerateObject().Select(c => c.Name).Order());
        Assert.Equal("Unhealthy", down.GetProperty("checks").GetProperty("bus").GetProperty("status").GetString());
        Assert.Equal("Healthy", down.GetProperty("checks").GetProperty("store").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", back.GetProperty("status").GetString());
    }

    /// <summary>Polls /readyz until it answers <paramref name="status"/> (NATS reconnects on its own schedule).</summary>
    private static async Task<JsonElement> WaitForReadyzAsync(HttpClient http, HttpStatusCode status)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative), deadline.Token);
            if (response.StatusCode == status)
            {
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync(deadline.Token)).RootElement.Clone();
            }

            await Task.Delay(100, deadline.Token);
        }
    }
}
