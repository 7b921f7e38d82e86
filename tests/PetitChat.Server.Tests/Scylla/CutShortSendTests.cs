using System.Net;
using System.Net.Http.Json;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Scylla;

/// <summary>
/// A sender that hangs up while the store is writing its message: the write lands, and the
/// message must still reach the members' streams (the cluster's fault run lost such messages:
/// stored, acknowledged to the retry that followed, never on any stream).
/// </summary>
public sealed class CutShortSendTests(HeldStoreServer server) : IClassFixture<HeldStoreServer>
{
    [Fact]
    public async Task A_message_written_while_its_sender_hung_up_reaches_the_members_once_and_its_retry_gets_it()
    {
        var (alice, bob) = (await SignInAsync("alice"), await SignInAsync("bob"));
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        await using var bobs = await bob.OpenEventsAsync();
        var hold = server.Proxy.HoldNext($"\"TableName\":\"{HeldStoreServer.TablePrefix}signals\"", "attribute_not_exists(id)");

        using (var hangUp = new CancellationTokenSource())
        {
            var send = alice.Http.PostAsJsonAsync($"/api/v1/chats/{chat}/signals", new { kind = "message", text = "cut short", clientId = "cut-1" }, hangUp.Token);
            await hold.Written.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await hangUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
            // A server that gives up on the store call says so at once; one that finishes the write does not.
            await Task.WhenAny(hold.CallerGaveUp.Task, Task.Delay(TimeSpan.FromSeconds(3)));
            hold.Release();
        }

        var live = await bobs.NextAsync(e => e.Type == "signal" && e.Data.Str("clientId") == "cut-1", TimeSpan.FromSeconds(15));
        using var retry = await alice.PostRawAsync($"/api/v1/chats/{chat}/signals", new { kind = "message", text = "cut short", clientId = "cut-1" });
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(live.Data.Id(), (await retry.ReadJsonAsync()).Id());
        Assert.True(await bobs.StaysQuietAsync(TimeSpan.FromMilliseconds(500)));
    }

    private async Task<Chatter> SignInAsync(string name)
    {
        var username = $"{name}-{Guid.NewGuid().ToString("N")[..10]}";
        return await Chatter.SignInAsync(await server.ClientForAsync(username), username);
    }
}
