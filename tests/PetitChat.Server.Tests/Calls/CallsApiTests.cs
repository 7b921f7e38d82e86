using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Calls;

/// <summary>
/// Calls over HTTP and SSE as users meet them. Jitsi's token authentication is checked against its
/// documented claim set (https://github.com/jitsi/lib-jitsi-meet/blob/master/doc/tokens.md), and the
/// event-sync requests are the documented payloads of the prosody component
/// (https://github.com/jitsi-contrib/prosody-plugins/tree/main/event_sync).
/// </summary>
public sealed partial class CallsApiTests(CallsServer server) : ApiTest(server), IClassFixture<CallsServer>
{
    [Fact]
    public async Task Alice_starts_a_call_bob_is_rung_and_joins_with_a_token_for_that_room_only()
    {
        var (alice, bob, carol) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("carol"));
        var group = (await alice.CreateGroupAsync("Standup", bob, carol)).Id();
        await using var bobEvents = await bob.OpenEventsAsync();

        var call = await StartAsync(alice, group, "video");

        Assert.Equal(group, call.GetProperty("chatId").GetGuid());
        Assert.Equal("video", call.Str("media"));
        Assert.Equal(alice.Id, call.GetProperty("startedBy").GetGuid());
        Assert.Equal(JsonValueKind.Null, call.GetProperty("endedAt").ValueKind);
        var room = call.Str("room");
        Assert.Matches("^petitchat-[0-9a-f]{32}$", room);
        var aliceToken = await VerifiedClaimsAsync(call.GetProperty("join"), room);
        Assert.True(aliceToken.GetProperty("moderator").GetBoolean());
        Assert.Equal(alice.Id.ToString(), aliceToken.GetProperty("context").GetProperty("user").Str("id"));

        // The call_started signal and the call event, in either order.
        SseEvent? rung = null, signal = null;
        while (rung is null || signal is null)
        {
            var next = await bobEvents.NextAsync();
            rung ??= next.Type == "call" ? next : null;
            signal ??= next.Type == "signal" && next.Data.Str("kind") == "call_started" ? next : null;
        }

        Assert.Equal(("started", call.Id()), (rung.Data.Str("action"), rung.Data.GetProperty("call").Id()));
        Assert.Equal(call.Id(), signal.Data.GetProperty("callId").GetGuid());

        var joined = await bob.Http.PostAsync(new Uri($"/api/v1/calls/{call.Id()}/join", UriKind.Relative), null).OkJsonAsync();
        var bobToken = await VerifiedClaimsAsync(joined.GetProperty("join"), room);
        Assert.False(bobToken.GetProperty("moderator").GetBoolean());
        var user = bobToken.GetProperty("context").GetProperty("user");
        Assert.Equal(bob.Id.ToString(), user.Str("id"));
        Assert.StartsWith("bob", user.Str("name"), StringComparison.Ordinal);
        Assert.Equal([alice.Id, bob.Id], joined.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("userId").GetGuid()));
    }

    [Fact]
    public async Task Starting_while_a_call_runs_returns_that_call_and_concurrent_starts_make_one()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateDirectAsync(bob)).Id();

        var starts = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? alice : bob).PostRawAsync($"/api/v1/chats/{chat}/calls", new { media = "audio" })));

        Assert.Single(starts, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(starts, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK));
        var ids = await Task.WhenAll(starts.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).Id()));
        Assert.Single(ids.Distinct());
        var timeline = (await alice.TimelineAsync(chat)).Items();
        Assert.Single(timeline, s => s.Str("kind") == "call_started");
    }

    [Fact]
    public async Task The_last_one_to_leave_ends_the_call_with_its_duration_and_participants()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var group = (await alice.CreateGroupAsync("Pair", bob)).Id();
        var call = await StartAsync(alice, group, "audio");
        await using var aliceEvents = await alice.OpenEventsAsync();
        await PostAsync(bob, $"/api/v1/calls/{call.Id()}/join");

        var afterAlice = await PostAsync(alice, $"/api/v1/calls/{call.Id()}/leave");
        Assert.Equal(JsonValueKind.Null, afterAlice.GetProperty("endedAt").ValueKind);
        var ended = await PostAsync(bob, $"/api/v1/calls/{call.Id()}/leave");

        Assert.NotEqual(JsonValueKind.Null, ended.GetProperty("endedAt").ValueKind);
        var signal = (await aliceEvents.NextAsync(e => e.Type == "signal" && e.Data.Str("kind") == "call_ended")).Data;
        Assert.Equal(call.Id(), signal.GetProperty("callId").GetGuid());
        Assert.True(signal.GetProperty("durationSeconds").GetInt32() >= 0);
        Assert.False(signal.GetProperty("missed").GetBoolean());
        Assert.Equal([alice.Id, bob.Id], signal.GetProperty("participantIds").EnumerateArray().Select(p => p.GetGuid()).Order());
        var endedEvent = await aliceEvents.NextAsync(e => e.Type == "call" && e.Data.Str("action") == "ended");
        Assert.Equal(call.Id(), endedEvent.Data.GetProperty("call").Id());

        using var rejoin = await bob.Http.PostAsync(new Uri($"/api/v1/calls/{call.Id()}/join", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Conflict, rejoin.StatusCode);
        var next = await alice.PostRawAsync($"/api/v1/chats/{group}/calls", new { media = "audio" });
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
    }

    [Fact]
    public async Task A_call_nobody_answers_ends_by_itself_as_missed()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        await using var bobEvents = await bob.OpenEventsAsync();
        var call = await StartAsync(alice, chat, "video");

        var timeout = CallsServer.RingTimeout + TimeSpan.FromSeconds(20);
        var signal = (await bobEvents.NextAsync(e => e.Type == "signal" && e.Data.Str("kind") == "call_ended", timeout)).Data;

        Assert.Equal(call.Id(), signal.GetProperty("callId").GetGuid());
        Assert.True(signal.GetProperty("missed").GetBoolean());
        Assert.Equal([alice.Id], signal.GetProperty("participantIds").EnumerateArray().Select(p => p.GetGuid()));
        var stored = await alice.GetAsync($"/api/v1/calls/{call.Id()}");
        Assert.NotEqual(JsonValueKind.Null, stored.GetProperty("endedAt").ValueKind);
    }

    [Fact]
    public async Task Outsiders_get_404_and_bad_requests_change_nothing()
    {
        var (alice, bob, carol, dave) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("carol"), await NewChatterAsync("dave"));
        var group = (await alice.CreateGroupAsync("Team", bob, carol)).Id();

        using var noMedia = await alice.PostRawAsync($"/api/v1/chats/{group}/calls", new { });
        Assert.Equal(HttpStatusCode.BadRequest, noMedia.StatusCode);
        Assert.Contains("media", await noMedia.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var badMedia = await alice.PostRawAsync($"/api/v1/chats/{group}/calls", new { media = "hologram" });
        Assert.Equal(HttpStatusCode.BadRequest, badMedia.StatusCode);
        Assert.DoesNotContain((await alice.TimelineAsync(group)).Items(), s => s.Str("kind") == "call_started");

        var call = await StartAsync(alice, group, "audio");
        using var daveStarts = await dave.PostRawAsync($"/api/v1/chats/{group}/calls", new { media = "audio" });
        using var daveJoins = await dave.Http.PostAsync(new Uri($"/api/v1/calls/{call.Id()}/join", UriKind.Relative), null);
        using var daveReads = await dave.GetRawAsync($"/api/v1/calls/{call.Id()}");
        using var unknown = await alice.Http.PostAsync(new Uri($"/api/v1/calls/{Guid.CreateVersion7()}/join", UriKind.Relative), null);
        Assert.All([daveStarts, daveJoins, daveReads, unknown], r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));

        // Carol leaves the group: the call is no longer hers to see or join.
        (await carol.DeleteRawAsync($"/api/v1/chats/{group}/members/{carol.Id}")).Dispose();
        using var carolJoins = await carol.Http.PostAsync(new Uri($"/api/v1/calls/{call.Id()}/join", UriKind.Relative), null);
        using var carolStarts = await carol.PostRawAsync($"/api/v1/chats/{group}/calls", new { media = "audio" });
        Assert.Equal(HttpStatusCode.NotFound, carolJoins.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, carolStarts.StatusCode);

        // Bob is a member but neither the starter nor the group's creator.
        using var bobEnds = await bob.Http.PostAsync(new Uri($"/api/v1/calls/{call.Id()}/end", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Forbidden, bobEnds.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await alice.GetAsync($"/api/v1/calls/{call.Id()}")).GetProperty("endedAt").ValueKind);
        var ended = await PostAsync(alice, $"/api/v1/calls/{call.Id()}/end");
        Assert.NotEqual(JsonValueKind.Null, ended.GetProperty("endedAt").ValueKind);
    }

    [Fact]
    public async Task Declining_tells_the_starter()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var call = await StartAsync(alice, chat, "audio");
        await using var aliceEvents = await alice.OpenEventsAsync();

        await PostAsync(bob, $"/api/v1/calls/{call.Id()}/decline");

        var declined = await aliceEvents.NextAsync(e => e.Type == "call" && e.Data.Str("action") == "declined");
        Assert.Equal(bob.Id, declined.Data.GetProperty("userId").GetGuid());
        Assert.Equal(call.Id(), declined.Data.GetProperty("call").Id());
    }

    [Fact]
    public async Task Jitsi_events_move_participants_and_the_last_occupant_leaving_ends_the_call()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var group = (await alice.CreateGroupAsync("Sync", bob)).Id();
        var call = await StartAsync(alice, group, "video");
        var room = call.Str("room");
        await using var aliceEvents = await alice.OpenEventsAsync();

        Assert.Equal(HttpStatusCode.NoContent, await JitsiAsync("room/created", Room(room), CallsServer.EventsSecret));
        Assert.Equal(HttpStatusCode.NoContent, await JitsiAsync("occupant/joined", Occupant(room, bob, "muc-occupant-joined"), CallsServer.EventsSecret));
        var joined = await aliceEvents.NextAsync(e => e.Type == "call" && e.Data.Str("action") == "joined");
        Assert.Equal(bob.Id, joined.Data.GetProperty("userId").GetGuid());

        Assert.Equal(HttpStatusCode.NoContent, await JitsiAsync("occupant/left", Occupant(room, alice, "muc-occupant-left"), CallsServer.EventsSecret));
        Assert.Equal(JsonValueKind.Null, (await alice.GetAsync($"/api/v1/calls/{call.Id()}")).GetProperty("endedAt").ValueKind);
        Assert.Equal(HttpStatusCode.NoContent, await JitsiAsync("occupant/left", Occupant(room, bob, "muc-occupant-left"), CallsServer.EventsSecret));

        var signal = (await aliceEvents.NextAsync(e => e.Type == "signal" && e.Data.Str("kind") == "call_ended")).Data;
        Assert.Equal([alice.Id, bob.Id], signal.GetProperty("participantIds").EnumerateArray().Select(p => p.GetGuid()).Order());
        Assert.False(signal.GetProperty("missed").GetBoolean());
        // The room going away afterwards changes nothing more.
        Assert.Equal(HttpStatusCode.NoContent, await JitsiAsync("room/destroyed", Room(room), CallsServer.EventsSecret));
    }

    [Fact]
    public async Task Jitsi_events_without_the_secret_are_refused_alike_for_every_room_and_unknown_rooms_are_404()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var call = await StartAsync(alice, chat, "video");
        var room = call.Str("room");

        foreach (var secret in new string?[] { null, "wrong", CallsServer.EventsSecret + "x" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await JitsiAsync("room/destroyed", Room(room), secret));
            Assert.Equal(HttpStatusCode.Unauthorized, await JitsiAsync("room/destroyed", Room("petitchat-nosuchroom"), secret));
        }

        Assert.Equal(HttpStatusCode.NotFound, await JitsiAsync("room/destroyed", Room("petitchat-nosuchroom"), CallsServer.EventsSecret));
        Assert.Equal(HttpStatusCode.BadRequest, await JitsiAsync("occupant/joined", Room(room), CallsServer.EventsSecret));
        Assert.Equal(HttpStatusCode.NotFound, await JitsiAsync("occupant/joined", Occupant(room, await NewChatterAsync("dave"), "muc-occupant-joined"), CallsServer.EventsSecret));
        var unchanged = await alice.GetAsync($"/api/v1/calls/{call.Id()}");
        Assert.Equal(JsonValueKind.Null, unchanged.GetProperty("endedAt").ValueKind);
        Assert.Single(unchanged.GetProperty("participants").EnumerateArray());

        Assert.Equal(HttpStatusCode.NoContent, await JitsiAsync("room/destroyed", Room(room), CallsServer.EventsSecret));
        Assert.NotEqual(JsonValueKind.Null, (await alice.GetAsync($"/api/v1/calls/{call.Id()}")).GetProperty("endedAt").ValueKind);
    }

    private static async Task<JsonElement> StartAsync(Chatter chatter, Guid chatId, string media) =>
        await chatter.Http.PostJson($"/api/v1/chats/{chatId}/calls", new { media }).OkJsonAsync(201);

    private static Task<JsonElement> PostAsync(Chatter chatter, string url) =>
        chatter.Http.PostAsync(new Uri(url, UriKind.Relative), null).OkJsonAsync();

    private static object Room(string room) => new { event_name = "muc-room-destroyed", room_name = room, room_jid = $"{room}@conference.{CallsServer.Domain}" };

    private static object Occupant(string room, Chatter who, string eventName) => new
    {
        event_name = eventName,
        room_name = room,
        room_jid = $"{room}@conference.{CallsServer.Domain}",
        occupant = new
        {
            occupant_jid = $"{room}@conference.{CallsServer.Domain}/{who.Username}",
            name = who.Username,
            email = "",
            id = who.Id.ToString(),
            joined_at = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        },
    };

    private async Task<HttpStatusCode> JitsiAsync(string path, object payload, string? secret)
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/integrations/jitsi/events/{path}") { Content = JsonContent.Create(payload) };
        if (secret is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Checks the join and its token (signature, issuer, audience, lifetime, room); returns the token's payload.</summary>
    private static async Task<JsonElement> VerifiedClaimsAsync(JsonElement join, string room)
    {
        Assert.Equal(CallsServer.Domain, join.Str("domain"));
        Assert.Equal(room, join.Str("room"));
        var jwt = join.Str("jwt");
        Assert.Equal($"https://{CallsServer.Domain}/{room}?jwt={jwt}", join.Str("url"));

        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = CallsServer.AppId,
            ValidAudience = "jitsi",
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(CallsServer.AppSecret)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.Zero,
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);

        var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[1])).RootElement.Clone();
        Assert.Equal(CallsServer.Domain, payload.Str("sub"));
        Assert.Equal(room, payload.Str("room"));
        var (nbf, exp) = (payload.GetProperty("nbf").GetInt64(), payload.GetProperty("exp").GetInt64());
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(exp - now, 1, (long)TimeSpan.FromMinutes(30).TotalSeconds + 5);
        Assert.True(nbf <= now && nbf < exp);
        var user = payload.GetProperty("context").GetProperty("user");
        foreach (var claim in new[] { "id", "name", "email", "avatar" })
        {
            Assert.True(user.TryGetProperty(claim, out _), $"context.user.{claim} is missing");
        }

        return payload;
    }
}
