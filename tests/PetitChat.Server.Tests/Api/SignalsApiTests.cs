using System.Net;
using System.Net.Http.Json;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

public class SignalsApiTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task Sending_returns_201_with_the_signal_and_where_to_find_it()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();

        using var response = await alice.PostRawAsync($"/api/v1/chats/{chat}/signals", new { kind = "message", text = "héllo 👋", clientId = "c-1" });
        var signal = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        Assert.Equal(7, signal.Id().Version);
        Assert.Equal(chat, signal.GetProperty("chatId").GetGuid());
        Assert.Equal("message", signal.Str("kind"));
        Assert.Equal(alice.Id, signal.GetProperty("senderId").GetGuid());
        Assert.Equal("héllo 👋", signal.Str("text"));
        Assert.Equal("c-1", signal.Str("clientId"));
        Assert.Equal(0, signal.GetProperty("reactions").GetArrayLength());
        Assert.Equal(0, signal.GetProperty("attachments").GetArrayLength());
        Assert.True(signal.GetProperty("createdAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task Sending_again_with_the_same_client_id_returns_the_first_signal()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var first = await alice.SendAsync(chat, "once", clientId: "retry-me");

        var again = await alice.PostRawAsync($"/api/v1/chats/{chat}/signals", new { text = "once, retried", clientId = "retry-me" }).OkJsonAsync(200);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            alice.PostRawAsync($"/api/v1/chats/{chat}/signals", new { text = "burst", clientId = "burst" })));
        var bobsOwn = await bob.SendAsync(chat, "same id, other sender", clientId: "retry-me");

        Assert.Equal(first.Id(), again.Id());
        Assert.Equal("once", again.Str("text"));
        Assert.Single(concurrent, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Single(await Task.WhenAll(concurrent.Select(async r => (await r.ReadJsonAsync()).Id())).ContinueWith(t => t.Result.Distinct()));
        Assert.NotEqual(first.Id(), bobsOwn.Id());
        Assert.Equal(3, (await alice.TimelineAsync(chat)).Items().Length);
    }

    [Fact]
    public async Task Call_signals_carry_an_optional_call_url()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();

        var started = await alice.PostRawAsync($"/api/v1/chats/{chat}/signals",
            new { kind = "call_started", clientId = "call-1", callUrl = "https://meet.example.org/room-1" }).OkJsonAsync(201);
        var ended = await alice.PostRawAsync($"/api/v1/chats/{chat}/signals", new { kind = "call_ended", clientId = "call-2" }).OkJsonAsync(201);

        Assert.Equal("call_started", started.Str("kind"));
        Assert.Equal("https://meet.example.org/room-1", started.Str("callUrl"));
        Assert.Equal("call_ended", ended.Str("kind"));
        Assert.Equal(["call_ended", "call_started"], (await bob.TimelineAsync(chat)).Items().Select(s => s.Str("kind")));
    }

    [Theory]
    [InlineData("""{"kind":"message","clientId":"a"}""", "text")]
    [InlineData("""{"kind":"message","text":"   ","clientId":"a"}""", "text")]
    [InlineData("""{"kind":"message","text":"hi"}""", "clientId")]
    [InlineData("""{"kind":"member_joined","text":"hi","clientId":"a"}""", "kind")]
    [InlineData("""{"kind":"shout","text":"hi","clientId":"a"}""", "kind")]
    [InlineData("""{"kind":"message","text":5,"clientId":"a"}""", "text")]
    [InlineData("""{"kind":"call_started","clientId":"a","callUrl":"javascript:alert(1)"}""", "callUrl")]
    [InlineData("""{"kind":"message","text":"hi","clientId":"a","callUrl":"https://x.example"}""", "callUrl")]
    [InlineData("""{"kind":"message","text":"hi","clientId":"a","attachmentIds":["not-a-guid"]}""", "attachmentIds[0]")]
    public async Task A_bad_send_is_a_400_naming_the_field_and_writes_nothing(string body, string field)
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();

        await alice.Http.PostAsync(new Uri($"/api/v1/chats/{chat}/signals", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json")).ProblemAsync(400, field);

        Assert.Empty((await alice.TimelineAsync(chat)).Items());
        Assert.Equal(0, (await bob.GetAsync($"/api/v1/chats/{chat}")).GetProperty("unreadCount").GetInt32());
    }

    [Fact]
    public async Task Text_over_the_limit_is_rejected_and_at_the_limit_accepted()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();

        await alice.PostRawAsync($"/api/v1/chats/{chat}/signals", new { text = new string('a', 4001), clientId = "long" }).ProblemAsync(400, "text");
        await alice.SendAsync(chat, new string('a', 4000));

        Assert.Single((await alice.TimelineAsync(chat)).Items());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();

        await alice.Http.PostAsync(new Uri($"/api/v1/chats/{chat}/signals", UriKind.Relative),
            new StringContent("{\"text\": \"unterminated", System.Text.Encoding.UTF8, "application/json")).ProblemAsync(400);
        await alice.Http.PostAsync(new Uri($"/api/v1/chats/{chat}/signals", UriKind.Relative),
            JsonContent.Create(new { text = "hi", clientId = "a", unknownField = 1 })).OkJsonAsync(201);
    }

    [Fact]
    public async Task Paging_back_with_next_cursor_returns_every_signal_once_newest_first()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var sent = new List<Guid>();
        for (var i = 0; i < 250; i++)
        {
            sent.Add((await (i % 2 == 0 ? alice : bob).SendAsync(chat, $"m{i}")).Id());
        }

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await bob.TimelineAsync(chat, "?limit=100" + (cursor is null ? "" : $"&before={cursor}"));
            seen.AddRange(page.Items().Select(s => s.Id()));
            cursor = page.NextCursor();
            pages++;
        }
        while (cursor is not null);

        sent.Reverse();
        Assert.Equal(sent, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Paging_at_an_exact_boundary_ends_with_no_cursor()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        for (var i = 0; i < 4; i++)
        {
            await alice.SendAsync(chat, $"m{i}");
        }

        var first = await alice.TimelineAsync(chat, "?limit=2");
        var second = await alice.TimelineAsync(chat, $"?limit=2&before={first.NextCursor()}");

        Assert.NotNull(first.NextCursor());
        Assert.Equal(2, second.Items().Length);
        Assert.Null(second.NextCursor());
        Assert.Empty((await alice.TimelineAsync(chat, $"?limit=2&before={second.Items()[^1].Id()}")).Items());
    }

    [Fact]
    public async Task After_and_around_give_the_signals_on_that_side_newest_first()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var ids = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add((await alice.SendAsync(chat, $"m{i}")).Id());
        }

        var after = await alice.TimelineAsync(chat, $"?after={ids[2]}&limit=3");
        var around = await alice.TimelineAsync(chat, $"?around={ids[5]}&limit=5");
        var newest = await alice.TimelineAsync(chat, $"?after={after.GetProperty("newerCursor").GetString()}&limit=100");

        Assert.Equal([ids[5], ids[4], ids[3]], after.Items().Select(s => s.Id()));
        Assert.Equal([ids[7], ids[6], ids[5], ids[4], ids[3]], around.Items().Select(s => s.Id()));
        Assert.Equal([ids[9], ids[8], ids[7], ids[6]], newest.Items().Select(s => s.Id()));
        Assert.Equal(JsonValueKindNull, newest.GetProperty("newerCursor").ValueKind);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?before=yesterday", "before")]
    [InlineData("?before=0195d6a0-0000-7000-8000-000000000000&after=0195d6a0-0000-7000-8000-000000000000", "before")]
    public async Task A_bad_timeline_query_is_a_400_naming_the_field(string query, string field)
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();

        await alice.GetRawAsync($"/api/v1/chats/{chat}/signals{query}").ProblemAsync(400, field);
    }

    [Fact]
    public async Task Around_an_unknown_signal_is_a_404()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();

        await alice.GetRawAsync($"/api/v1/chats/{chat}/signals?around={Guid.CreateVersion7()}").ProblemAsync(404);
    }
}
