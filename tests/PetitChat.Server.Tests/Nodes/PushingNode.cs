using System.Net;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Nodes;

/// <summary>A node on NATS whose pushes reach a test's push endpoint soon, and a send repeated as a client repeats it.</summary>
internal static class PushingNode
{
    /// <summary>
    /// Notifications of <paramref name="kind"/>, due 200 ms after a message, retried within a second, to
    /// a loopback push endpoint, with VAPID keys kept in <paramref name="folder"/>.
    /// </summary>
    public static Dictionary<string, string?> Settings(string kind, string folder) => new()
    {
        ["Notifications:Kind"] = kind,
        ["Notifications:ReadDelay"] = "00:00:00.200",
        ["Notifications:Retry:FirstDelay"] = "00:00:00.100",
        ["Notifications:Retry:MaxDelay"] = "00:00:01",
        ["Notifications:Outbound:AllowLoopback"] = "true",
        ["Notifications:WebPush:KeyPath"] = Path.Combine(folder, "vapid-keys.json"),
    };

    /// <summary>
    /// The client's retry: the same send (same clientId) while the node answers 503, until it is
    /// answered with one of <paramref name="taken"/> (the node reconnects to NATS by itself); any other answer fails.
    /// </summary>
    public static async Task<Guid> SendUntilTakenAsync(Chatter sender, Guid chat, object send, params HttpStatusCode[] taken)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var response = await sender.PostRawAsync($"/api/v1/chats/{chat}/signals", send);
            if (taken.Contains(response.StatusCode))
            {
                return (await response.ReadJsonAsync()).Id();
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(100, deadline.Token);
        }
    }
}
