using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Safety;

/// <summary>
/// <c>Limits:RequestTimeout</c> ends a request whose body never finishes (sent just fast enough
/// for Kestrel's minimum data rate) with 503, and leaves live streams alone.
/// </summary>
public sealed class RequestTimeoutTests(ShortTimeoutServer server) : IClassFixture<ShortTimeoutServer>
{
    [Fact]
    public async Task A_body_trickled_past_the_timeout_gets_503_and_sends_nothing_while_a_live_stream_stays_open()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateGroupAsync("slow", bob)).Id();
        await using var bobs = await bob.OpenEventsAsync();

        var (status, elapsed) = await TrickleSendAsync(alice, chat);

        Assert.True(status == "503", $"a trickled body got {status} after {elapsed}");
        Assert.DoesNotContain((await alice.TimelineAsync(chat)).GetProperty("items").EnumerateArray(), s => s.Str("kind") == "message");
        // The stream was opened before the timed-out request began, so it has lived past the timeout.
        await alice.SendAsync(chat, "after the timeout");
        await bobs.NextAsync(e => e.Type == "signal" && e.Data.Str("text") == "after the timeout", TimeSpan.FromSeconds(15));
    }

    /// <summary>
    /// A send whose body is announced at 200 KB and written at about 500 bytes a second (over
    /// Kestrel's 240), on a raw socket so that nothing between decides when to give up.
    /// </summary>
    private async Task<(string Status, TimeSpan Elapsed)> TrickleSendAsync(Chatter who, Guid chat)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        var stream = socket.GetStream();
        var head = $"POST /api/v1/chats/{chat}/signals HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\n" +
            $"Authorization: Bearer {who.Http.DefaultRequestHeaders.Authorization!.Parameter}\r\n" +
            "Content-Type: application/json\r\nContent-Length: 200000\r\n\r\n{\"text\":\"slow\",\"clientId\":\"slow-1\",";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var clock = Stopwatch.StartNew();
        var buffer = new byte[1024];
        var answer = stream.ReadAsync(buffer).AsTask();
        var spaces = Encoding.ASCII.GetBytes(new string(' ', 50));
        while (!answer.IsCompleted && clock.Elapsed < ShortTimeoutServer.RequestTimeout * 8)
        {
            try
            {
                await stream.WriteAsync(spaces);
            }
            catch (IOException)
            {
                break;
            }

            // Pacing the trickle, not waiting for a result: the answer is awaited below.
            await Task.WhenAny(answer, Task.Delay(100));
        }

        var read = await answer.WaitAsync(TimeSpan.FromSeconds(10));
        var statusLine = Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        return (statusLine.Split(' ').ElementAtOrDefault(1) ?? statusLine, clock.Elapsed);
    }

    private async Task<Chatter> NewChatterAsync(string name)
    {
        var username = $"{name}-{Guid.NewGuid().ToString("N")[..10]}";
        return await Chatter.SignInAsync(await server.ClientForAsync(username), username);
    }
}
