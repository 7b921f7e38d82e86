using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

/// <summary>
/// <c>GET /api/v1/search</c> over HTTP on the default engines (SQLite FTS5 fed by the indexing
/// worker): across the caller's chats at the time of the search, with filters as query words or
/// parameters. Indexing is asynchronous, so tests poll until the expected hits show up.
/// </summary>
public partial class GlobalSearchApiTests(PetitChatServer server) : ApiTest(server)
{
    private const char Start = '\uE000';
    private const char End = '\uE001';

    [Fact]
    public async Task Searches_every_chat_of_the_caller_in_every_script_and_stops_covering_a_chat_left()
    {
        var (alice, bob, carol, dave) = (await NewChattersAsync(4)) is [var a, var b, var c, var d] ? (a, b, c, d) : default;
        var paris = (await alice.CreateGroupAsync("Paris", bob)).Id();
        var tokyo = (await alice.CreateGroupAsync("Tokyo", carol)).Id();
        var seoul = (await alice.CreateDirectAsync(dave)).Id();
        var notMine = (await bob.CreateGroupAsync("Secret", carol)).Id();
        var inParis = await bob.SendAsync(paris, "Le café de la gare rouvre, 東京の天気は晴れです");
        var inTokyo = await carol.SendAsync(tokyo, "明日の天気は雨かもしれません");
        var inSeoul = await dave.SendAsync(seoul, "서울 날씨가 좋아요, 天気 mixed");
        await bob.SendAsync(notMine, "天気 secret weather");

        var hits = await WaitForHitsAsync(alice, "q=天気", 3);

        Assert.Equal(new[] { (inParis.Id(), paris), (inTokyo.Id(), tokyo), (inSeoul.Id(), seoul) }.Order(),
            hits.Select(h => (h.GetProperty("signalId").GetGuid(), h.GetProperty("chatId").GetGuid())).Order());
        Assert.Contains($"{Start}天気{End}", hits.Single(h => h.GetProperty("chatId").GetGuid() == paris).Str("snippet"), StringComparison.Ordinal);
        Assert.Equal([inParis.Id()], Ids(await alice.GetAsync("/api/v1/search?q=CAFE")));
        Assert.Equal([inSeoul.Id()], Ids(await alice.GetAsync($"/api/v1/search?q={Uri.EscapeDataString("날씨")}")));

        using var left = await alice.DeleteRawAsync($"/api/v1/chats/{tokyo}/members/{alice.Id}");
        Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);

        Assert.Equal(new[] { inParis.Id(), inSeoul.Id() }.Order(), Ids(await alice.GetAsync("/api/v1/search?q=天気")).Order());
        // Carol still has Tokyo, and the chat that Alice was never in.
        Assert.Equal(2, (await WaitForHitsAsync(carol, "q=天気", 2)).Length);
    }

    [Fact]
    public async Task Filters_work_as_query_words_and_as_parameters()
    {
        var (alice, bob) = (await NewChattersAsync(2)) is [var a, var b] ? (a, b) : default;
        var team = (await alice.CreateGroupAsync($"Team {bob.Username[^6..]}", bob)).Id();
        var direct = (await alice.CreateDirectAsync(bob)).Id();
        var fromAlice = await alice.SendAsync(team, "pelican report draft");
        var fromBob = await bob.SendAsync(team, "pelican report final");
        var inDirect = await bob.SendAsync(direct, "pelican report private");
        var file = await UploadAsync(alice, team, "slides"u8.ToArray(), "slides.txt");
        var withFile = await alice.PostRawAsync($"/api/v1/chats/{team}/signals",
            new { kind = "message", text = "pelican report slides", clientId = Guid.NewGuid().ToString(), attachmentIds = new[] { file } }).OkJsonAsync(201);
        await WaitForHitsAsync(alice, "q=pelican", 4);

        Assert.Equal(new[] { fromBob.Id(), inDirect.Id() }.Order(), Ids(await alice.GetAsync($"/api/v1/search?q=pelican+from:@{bob.Username}")).Order());
        Assert.Equal(new[] { fromBob.Id(), inDirect.Id() }.Order(), Ids(await alice.GetAsync($"/api/v1/search?q=pelican&from={bob.Username}")).Order());
        var teamName = Uri.EscapeDataString($"\"Team {bob.Username[^6..]}\"");
        Assert.Equal(new[] { fromAlice.Id(), fromBob.Id(), withFile.Id() }.Order(), Ids(await alice.GetAsync($"/api/v1/search?q=pelican+in:{teamName}")).Order());
        Assert.Equal([inDirect.Id()], Ids(await alice.GetAsync($"/api/v1/search?q=pelican&in=@{bob.Username}")));
        Assert.Equal([withFile.Id()], Ids(await alice.GetAsync("/api/v1/search?q=pelican+has:file")));
        Assert.Equal([withFile.Id()], Ids(await alice.GetAsync($"/api/v1/search?has=file&in={team}")));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Empty(Ids(await alice.GetAsync($"/api/v1/search?q=pelican+before:{today}")));
        Assert.Equal(4, Ids(await alice.GetAsync($"/api/v1/search?q=pelican&after=2000-01-01&before=2999-01-01")).Count);
        Assert.Equal([withFile.Id(), inDirect.Id(), fromBob.Id(), fromAlice.Id()], Ids(await alice.GetAsync("/api/v1/search?q=pelican&sort=newest")));
        Assert.Empty(Ids(await alice.GetAsync("/api/v1/search?q=pelican+from:@nobody-at-all")));
    }

    [Fact]
    public async Task Bad_filters_are_a_400_naming_the_field()
    {
        var alice = await NewChatterAsync();

        await alice.GetRawAsync("/api/v1/search").ProblemAsync(400, "q");
        await alice.GetRawAsync("/api/v1/search?q=+").ProblemAsync(400, "q");
        await alice.GetRawAsync("/api/v1/search?q=x+has:pdf").ProblemAsync(400, "q");
        await alice.GetRawAsync("/api/v1/search?q=x&has=pdf").ProblemAsync(400, "has");
        await alice.GetRawAsync("/api/v1/search?q=x&before=yesterday").ProblemAsync(400, "before");
        await alice.GetRawAsync("/api/v1/search?q=x&after=2026-13-01").ProblemAsync(400, "after");
        await alice.GetRawAsync("/api/v1/search?q=x&sort=worst").ProblemAsync(400, "sort");
        await alice.GetRawAsync("/api/v1/search?q=x&limit=101").ProblemAsync(400, "limit");
        await alice.GetRawAsync("/api/v1/search?q=x&cursor=nope").ProblemAsync(400, "cursor");
        await alice.GetRawAsync($"/api/v1/search?q={new string('a', 501)}").ProblemAsync(400, "q");
    }

    [Fact]
    public async Task Pages_through_hits_of_several_chats_with_the_cursor()
    {
        var (alice, bob, carol) = (await NewChattersAsync(3)) is [var a, var b, var c] ? (a, b, c) : default;
        var one = (await alice.CreateDirectAsync(bob)).Id();
        var two = (await alice.CreateDirectAsync(carol)).Id();
        var sent = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            sent.Add((await bob.SendAsync(one, $"walrus {i}")).Id());
            sent.Add((await carol.SendAsync(two, $"walrus {i}")).Id());
        }

        await WaitForHitsAsync(alice, "q=walrus", 6);
        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await alice.GetAsync("/api/v1/search?q=walrus&limit=4" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            seen.AddRange(Ids(page));
            cursor = page.NextCursor();
        }
        while (cursor is not null);

        Assert.Equal(sent.Order(), seen.Order());
    }

    private static List<Guid> Ids(JsonElement page) => [.. page.Items().Select(h => h.GetProperty("signalId").GetGuid())];

    private static async Task<Guid> UploadAsync(Chatter who, Guid chatId, byte[] bytes, string name)
    {
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        content.Add(file, "file", name);
        return (await who.Http.PostAsync(new Uri($"/api/v1/chats/{chatId}/files", UriKind.Relative), content).OkJsonAsync(201)).Id();
    }

    /// <summary>Polls the global search until it returns at least <paramref name="count"/> hits, for at most ten seconds.</summary>
    private static async Task<JsonElement[]> WaitForHitsAsync(Chatter who, string query, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var hits = (await who.GetAsync($"/api/v1/search?{query}&limit=100")).Items();
            if (hits.Length >= count)
            {
                return hits;
            }

            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"search for '{query}' found {hits.Length} of {count} messages within 10 s");
            }

            // Not faster: searches are rate-limited per user (RateLimits:Searches, 60 a minute by default).
            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
    }
}
