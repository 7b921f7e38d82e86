using Microsoft.Extensions.DependencyInjection;
using PetitChat.Server.Limits;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

/// <summary>
/// A stream opened with a ticket is served ahead of authentication and the endpoint
/// (TicketStreams); it keeps what a stream opened with the bearer token does.
/// </summary>
public sealed class TicketStreamTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task A_ticket_stream_resumed_from_its_last_event_id_gets_every_missed_event_once_in_order()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        using var browser = new HttpClient { BaseAddress = Server.BaseAddress };
        string lastSeen;
        await using (var first = await OpenWithTicketAsync(bob, browser))
        {
            Assert.Equal(1, Server.Services.GetRequiredService<OpenStreams>().CountOf(bob.Id));
            await alice.SendAsync(chat, "before the drop");
            lastSeen = (await first.NextAsync(e => e.Type == "signal")).Id!;
        }

        var missed = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            missed.Add((await alice.SendAsync(chat, $"missed {i}")).Id());
        }

        // The browser's EventSource sends the header; the web client, reconnecting with a fresh ticket, the query.
        await using var byHeader = await OpenWithTicketAsync(bob, browser, request => request.Headers.Add("Last-Event-ID", lastSeen));
        await using var byQuery = await OpenWithTicketAsync(bob, browser, request => request.RequestUri = new Uri($"{request.RequestUri}&lastEventId={lastSeen}", UriKind.Relative));
        var live = (await alice.SendAsync(chat, "live again")).Id();
        foreach (var stream in new[] { byHeader, byQuery })
        {
            var got = new List<Guid>();
            for (var i = 0; i < 4; i++)
            {
                got.Add((await stream.NextAsync()).Data.Id());
            }

            Assert.Equal([.. missed, live], got);
        }
    }

    [Fact]
    public async Task Ticket_streams_count_toward_the_cap_per_user_and_the_oldest_closes()
    {
        var alice = await NewChatterAsync();
        using var browser = new HttpClient { BaseAddress = Server.BaseAddress };
        var streams = new List<EventStream>();
        try
        {
            for (var i = 0; i < 21; i++)
            {
                streams.Add(await OpenWithTicketAsync(alice, browser));
            }

            // The fixture's cap is 20 a user: the 21st closed the first.
            Assert.Equal(20, Server.Services.GetRequiredService<OpenStreams>().CountOf(alice.Id));
            await Assert.ThrowsAsync<EndOfStreamException>(async () =>
            {
                while (true)
                {
                    await streams[0].ReadBlockAsync(TimeSpan.FromSeconds(20));
                }
            });
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }

        await WaitUntilAsync(() => Server.Services.GetRequiredService<OpenStreams>().CountOf(alice.Id) == 0);
    }

    private static async Task<EventStream> OpenWithTicketAsync(Chatter chatter, HttpClient browser, Action<HttpRequestMessage>? change = null)
    {
        var ticket = (await chatter.PostRawAsync("/api/v1/events/tickets", new { }).OkJsonAsync()).Str("ticket");
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/events?ticket={Uri.EscapeDataString(ticket)}");
        change?.Invoke(request);
        return await EventStream.OpenAsync(browser, request);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
