using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Calls;

// Calls at their edges: what Jitsi's event-sync component may send besides the happy path
// (https://github.com/jitsi-contrib/prosody-plugins/tree/main/event_sync: malformed bodies, and
// breakout rooms, whose events carry `is_breakout` and the main room's `room_name`),
// and members who leave the chat while they are in its call.
public sealed partial class CallsApiTests
{
    [Fact]
    public async Task Jitsi_events_that_are_not_a_json_payload_are_400_naming_the_body_and_change_nothing()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var call = await StartAsync(alice, (await alice.CreateGroupAsync("Bodies", bob)).Id(), "audio");
        var room = call.Str("room");

        foreach (var (body, contentType) in new[]
        {
            ("not json", "application/json"),
            ("", "application/json"),
            ("null", "application/json"),
            ($$"""{ "room_name": 5 }""", "application/json"),
            ($$"""{ "room_name": "{{room}}" }""", "text/plain"),
        })
        {
            using var response = await JitsiRawAsync("room/destroyed", new StringContent(body, Encoding.UTF8, contentType));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty("body", out _), $"{body} ({contentType}): {problem}");
        }

        // Without the secret, a malformed body gets the same 401 as any other request.
        using var anonymous = new HttpClient { BaseAddress = Server.BaseAddress };
        using var refused = await anonymous.PostAsync(new Uri("/api/v1/integrations/jitsi/events/room/destroyed", UriKind.Relative),
            new StringContent("not json", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await alice.GetAsync($"/api/v1/calls/{call.Id()}")).GetProperty("endedAt").ValueKind);
    }

    [Fact]
    public async Task A_breakout_room_going_away_does_not_end_the_call_but_the_main_room_going_away_does()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var call = await StartAsync(alice, (await alice.CreateGroupAsync("Breakouts", bob)).Id(), "video");
        var room = call.Str("room");
        var destroyed = new
        {
            event_name = "muc-room-destroyed",
            room_name = room,
            room_jid = $"{room}@conference.{CallsServer.Domain}",
            is_breakout = true,
            breakout_room_id = "b1",
            created_at = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            destroyed_at = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };

        using (var breakout = await JitsiRawAsync("room/destroyed", JsonContent.Create(destroyed)))
        {
            Assert.Equal(HttpStatusCode.NoContent, breakout.StatusCode);
        }

        Assert.Equal(JsonValueKind.Null, (await alice.GetAsync($"/api/v1/calls/{call.Id()}")).GetProperty("endedAt").ValueKind);
        using (var main = await JitsiRawAsync("room/destroyed", JsonContent.Create(destroyed with { is_breakout = false })))
        {
            Assert.Equal(HttpStatusCode.NoContent, main.StatusCode);
        }

        Assert.NotEqual(JsonValueKind.Null, (await alice.GetAsync($"/api/v1/calls/{call.Id()}")).GetProperty("endedAt").ValueKind);
    }

    [Fact]
    public async Task A_member_who_left_the_chat_during_the_call_does_not_keep_it_running()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var group = (await alice.CreateGroupAsync("Leavers", bob)).Id();
        var call = await StartAsync(alice, group, "audio");
        await bob.Http.PostAsync(new Uri($"/api/v1/calls/{call.Id()}/join", UriKind.Relative), null).OkJsonAsync();
        await using var aliceEvents = await alice.OpenEventsAsync();
        (await bob.DeleteRawAsync($"/api/v1/chats/{group}/members/{bob.Id}")).Dispose();
        using var bobLeaves = await bob.Http.PostAsync(new Uri($"/api/v1/calls/{call.Id()}/leave", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, bobLeaves.StatusCode);

        var ended = await alice.Http.PostAsync(new Uri($"/api/v1/calls/{call.Id()}/leave", UriKind.Relative), null).OkJsonAsync();

        Assert.NotEqual(JsonValueKind.Null, ended.GetProperty("endedAt").ValueKind);
        var signal = (await aliceEvents.NextAsync(e => e.Type == "signal" && e.Data.Str("kind") == "call_ended")).Data;
        Assert.Equal([alice.Id, bob.Id], signal.GetProperty("participantIds").EnumerateArray().Select(p => p.GetGuid()).Order());
    }

    [Fact]
    public async Task The_last_one_in_a_call_leaving_the_chat_ends_the_call()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var group = (await alice.CreateGroupAsync("Last leaver", bob)).Id();
        var call = await StartAsync(alice, group, "video");
        await bob.Http.PostAsync(new Uri($"/api/v1/calls/{call.Id()}/join", UriKind.Relative), null).OkJsonAsync();
        var stillRunning = await alice.Http.PostAsync(new Uri($"/api/v1/calls/{call.Id()}/leave", UriKind.Relative), null).OkJsonAsync();
        Assert.Equal(JsonValueKind.Null, stillRunning.GetProperty("endedAt").ValueKind);
        await using var aliceEvents = await alice.OpenEventsAsync();

        (await bob.DeleteRawAsync($"/api/v1/chats/{group}/members/{bob.Id}")).Dispose();

        var signal = (await aliceEvents.NextAsync(e => e.Type == "signal" && e.Data.Str("kind") == "call_ended")).Data;
        Assert.Equal([alice.Id, bob.Id], signal.GetProperty("participantIds").EnumerateArray().Select(p => p.GetGuid()).Order());
        var ended = await alice.GetAsync($"/api/v1/calls/{call.Id()}");
        Assert.NotEqual(JsonValueKind.Null, ended.GetProperty("endedAt").ValueKind);
    }

    [Fact]
    public async Task Jitsi_seeing_a_former_member_leave_takes_them_out_and_a_stranger_leaving_is_404()
    {
        var (alice, bob, carol, dave) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("carol"), await NewChatterAsync("dave"));
        var group = (await alice.CreateGroupAsync("Sync leavers", bob, carol)).Id();
        var call = await StartAsync(alice, group, "audio");
        var room = call.Str("room");
        await bob.Http.PostAsync(new Uri($"/api/v1/calls/{call.Id()}/join", UriKind.Relative), null).OkJsonAsync();
        (await bob.DeleteRawAsync($"/api/v1/chats/{group}/members/{bob.Id}")).Dispose();

        Assert.Equal(HttpStatusCode.NoContent, await JitsiAsync("occupant/left", Occupant(room, bob, "muc-occupant-left"), CallsServer.EventsSecret));
        Assert.Equal(HttpStatusCode.NotFound, await JitsiAsync("occupant/left", Occupant(room, dave, "muc-occupant-left"), CallsServer.EventsSecret));
        // A member who is not in the call leaving changes nothing.
        Assert.Equal(HttpStatusCode.NoContent, await JitsiAsync("occupant/left", Occupant(room, carol, "muc-occupant-left"), CallsServer.EventsSecret));

        var now = await alice.GetAsync($"/api/v1/calls/{call.Id()}");
        Assert.Equal(JsonValueKind.Null, now.GetProperty("endedAt").ValueKind);
        var participants = now.GetProperty("participants").EnumerateArray().ToDictionary(p => p.GetProperty("userId").GetGuid());
        Assert.Equal(JsonValueKind.Null, participants[alice.Id].GetProperty("leftAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, participants[bob.Id].GetProperty("leftAt").ValueKind);
        Assert.False(participants.ContainsKey(carol.Id));
    }

    [Fact]
    public async Task The_groups_creator_and_an_admin_member_end_a_call_someone_else_started()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        // The embedded issuer makes "admin" an administrator (Identity:Embedded:Admins).
        var admin = await Chatter.SignInAsync(await Server.ClientForAsync("admin"), "admin");
        var group = (await alice.CreateGroupAsync("Enders", bob, admin)).Id();

        foreach (var ender in new[] { alice, admin })
        {
            var call = await StartAsync(bob, group, "audio");
            var ended = await PostAsync(ender, $"/api/v1/calls/{call.Id()}/end");
            Assert.NotEqual(JsonValueKind.Null, ended.GetProperty("endedAt").ValueKind);
        }
    }

    private async Task<HttpResponseMessage> JitsiRawAsync(string path, HttpContent content)
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/integrations/jitsi/events/{path}") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", CallsServer.EventsSecret);
        return await http.SendAsync(request);
    }
}
