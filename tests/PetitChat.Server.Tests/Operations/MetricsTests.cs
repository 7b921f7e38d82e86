using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Operations;

public sealed class MetricsTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task Metrics_show_sends_deliveries_open_streams_and_send_latency_in_Prometheus_format()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        await using var stream = await bob.OpenEventsAsync();
        await alice.SendAsync(chat, "counted");
        await stream.NextAsync(e => e.Type == "signal");

        // The exporter caches a scrape for a moment: read until this send shows.
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string text;
        do
        {
            await Task.Delay(100, deadline.Token);
            text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), deadline.Token);
        }
        while (!(Value(text, "petitchat_signals_sent_total") >= 1 && Value(text, "petitchat_events_delivered_total") >= 1
                 && Value(text, "petitchat_streams_open") >= 1));

        Assert.Contains("petitchat_signal_send_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket", text, StringComparison.Ordinal);
    }

    /// <summary>The sum of a metric's samples (every label set), or null when it is not there yet.</summary>
    private static double? Value(string exposition, string metric)
    {
        double? sum = null;
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(metric, StringComparison.Ordinal) && line.Length > metric.Length && line[metric.Length] is ' ' or '{')
            {
                var value = line[(line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : metric.Length)..].Trim().Split(' ')[0];
                sum = (sum ?? 0) + double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
