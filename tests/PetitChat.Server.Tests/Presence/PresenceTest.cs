using System.Text.Json;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Presence;

/// <summary>Base of the presence tests: the presence server, fresh users per test, and waiting for a state.</summary>
[Collection(PresenceCollection.Name)]
public abstract class PresenceTest(PresenceServer server)
{
    protected PresenceServer Server { get; } = server;

    protected async Task<Chatter> NewChatterAsync(string name = "user")
    {
        var username = $"{name}-{Guid.NewGuid().ToString("N")[..10]}";
        return await Chatter.SignInAsync(await Server.ClientForAsync(username), username);
    }

    protected static Task<JsonElement> PresenceOfAsync(Chatter reader, Chatter user) => reader.GetAsync($"/api/v1/users/{user.Id}/presence");

    /// <summary>Reads the user's presence until <paramref name="match"/> holds; fails after the timeout.</summary>
    protected static async Task<JsonElement> WaitForPresenceAsync(Chatter reader, Chatter user, Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var presence = await PresenceOfAsync(reader, user);
            if (match(presence))
            {
                return presence;
            }

            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"presence never matched; last: {presence}");
            }

            await Task.Delay(100);
        }
    }

    protected static bool IsPresenceOf(SseEvent e, Chatter user, string state) =>
        e.Type == "presence" && e.Data.GetProperty("userId").GetGuid() == user.Id && e.Data.Str("state") == state;

    /// <summary>A <c>presence</c> event of the user whose status has this text.</summary>
    internal static bool HasStatusText(SseEvent e, Guid userId, string text) =>
        e.Type == "presence" && e.Data.GetProperty("userId").GetGuid() == userId
        && e.Data.GetProperty("status") is { ValueKind: System.Text.Json.JsonValueKind.Object } status && status.Str("text") == text;
}
