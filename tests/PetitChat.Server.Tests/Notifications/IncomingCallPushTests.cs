using System.Net.Http.Json;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Notifications;

/// <summary>
/// "Incoming call" from a started call to what the push service receives (docs/calls.md): for the
/// members with no live stream open, on its own Web Push topic (RFC 8030 section 5.4: a newer
/// message of the same topic replaces a pending one), so that a message of the chat never replaces it.
/// </summary>
public sealed class IncomingCallPushTests(NotifyingServer server) : NotificationTest(server)
{
    [Fact]
    public async Task A_started_call_rings_members_without_a_stream_on_its_own_topic_apart_from_messages()
    {
        var (alice, bob, carol) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("carol"));
        var bobs = await SubscribeAsync(bob);
        var carols = await SubscribeAsync(carol);
        var chatId = (await alice.CreateGroupAsync("ring", bob, carol)).Id();
        await using var carolEvents = await carol.OpenEventsAsync();

        var call = await alice.Http.PostAsJsonAsync($"/api/v1/chats/{chatId}/calls", new { media = "video" }).OkJsonAsync(201);
        var ring = Assert.Single(await Push.WaitForAsync(bobs.Id, 1));
        await SendAsync(alice, chatId, "are you coming?");
        var pushes = await Push.WaitForAsync(bobs.Id, 2);

        var json = ring.Json!.Value;
        Assert.Equal(("call", call.Id()), (json.Str("type"), json.GetProperty("callId").GetGuid()));
        Assert.StartsWith("Incoming video call from alice", json.Str("body"), StringComparison.Ordinal);
        Assert.Equal(call.Id().ToString("N"), ring.Headers["Topic"]);
        Assert.Equal("high", ring.Headers["Urgency"]);
        // The ring expires at the push service with the ringing (Notifications:WebPush:CallTimeToLive,
        // 60 s); a message waits a day for an offline browser.
        Assert.InRange(int.Parse(ring.Headers["TTL"], System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.True(int.Parse(pushes[1].Headers["TTL"], System.Globalization.CultureInfo.InvariantCulture) > 3600);
        var message = pushes[1].Json!.Value;
        Assert.Equal("message", message.Str("type"));
        Assert.NotEqual(ring.Headers["Topic"], pushes[1].Headers["Topic"]);
        Assert.NotEqual(json.Str("tag"), message.Str("tag"));

        // Carol has the app open: the live event rings her, not a push.
        var started = (await alice.TimelineAsync(chatId)).Items().Single(s => s.Str("kind") == "call_started");
        await Server.WaitUntilCallSettledAsync(started.Id(), carol.Id);
        Assert.Empty(Push.For(carols.Id));
    }
}
