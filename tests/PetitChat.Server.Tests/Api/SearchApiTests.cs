using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PetitChat.Infrastructure.Sqlite;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

/// <summary>
/// Search over HTTP on the default engines (SQLite FTS5 fed by the indexing worker). Indexing is
/// asynchronous, so tests poll the search until the expected hits show up, with a timeout.
/// </summary>
public class SearchApiTests(PetitChatServer server) : ApiTest(server)
{
    private const char Start = '\uE000';
    private const char End = '\uE001';

    [Fact]
    public async Task Search_finds_a_message_regardless_of_case_and_accents_with_the_match_highlighted()
    {
        var (alice, bob) = (await NewChattersAsync(2)) is [var a, var b] ? (a, b) : default;
        var chat = (await alice.CreateGroupAsync("Lunch", bob)).Id();
        var sent = await alice.SendAsync(chat, "Le déjeuner est prêt à Besançon");
        await alice.SendAsync(chat, "Unrelated chatter");

        var hit = Assert.Single(await WaitForHitsAsync(bob, chat, "DEJEUNER besancon", 1));

        Assert.Equal(sent.Id(), hit.GetProperty("signalId").GetGuid());
        Assert.Equal(chat, hit.GetProperty("chatId").GetGuid());
        Assert.Equal(alice.Id, hit.GetProperty("senderId").GetGuid());
        Assert.Equal(sent.GetProperty("createdAt").GetDateTimeOffset(), hit.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Contains($"{Start}déjeuner{End}", hit.Str("snippet"), StringComparison.Ordinal);
        Assert.Contains($"{Start}Besançon{End}", hit.Str("snippet"), StringComparison.Ordinal);
        // The hit leads into the timeline.
        var around = await bob.TimelineAsync(chat, $"?around={sent.Id()}");
        Assert.Contains(around.Items(), s => s.Id() == sent.Id());
    }

    [Fact]
    public async Task The_last_word_is_searched_as_a_prefix()
    {
        var (alice, bob) = (await NewChattersAsync(2)) is [var a, var b] ? (a, b) : default;
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var sent = await alice.SendAsync(chat, "The organisation chart is ready");

        Assert.Equal(sent.Id(), Assert.Single(await WaitForHitsAsync(bob, chat, "chart organ", 1)).GetProperty("signalId").GetGuid());
    }

    [Fact]
    public async Task A_member_of_one_chat_never_sees_another_chats_messages_that_share_its_words()
    {
        var (alice, bob, carol, dave) = (await NewChattersAsync(4)) is [var a, var b, var c, var d] ? (a, b, c, d) : default;
        var chatA = (await alice.CreateGroupAsync("A", bob)).Id();
        var chatB = (await carol.CreateGroupAsync("B", dave)).Id();
        var inA = await alice.SendAsync(chatA, "confidential merger plans for friday");
        var inB = await carol.SendAsync(chatB, "confidential merger plans for friday");

        // Both are indexed before we look for leaks.
        Assert.Equal(inA.Id(), Assert.Single(await WaitForHitsAsync(bob, chatA, "confidential merger", 1)).GetProperty("signalId").GetGuid());
        Assert.Equal(inB.Id(), Assert.Single(await WaitForHitsAsync(dave, chatB, "confidential merger", 1)).GetProperty("signalId").GetGuid());

        var carolsSearch = await carol.GetAsync($"/api/v1/chats/{chatB}/search?q=confidential+merger+plans+friday&limit=100");
        Assert.Equal([inB.Id()], carolsSearch.Items().Select(h => h.GetProperty("signalId").GetGuid()));
        await carol.GetRawAsync($"/api/v1/chats/{chatA}/search?q=confidential").ProblemAsync(404);
        await alice.GetRawAsync($"/api/v1/chats/{chatB}/search?q=confidential").ProblemAsync(404);
        await carol.GetRawAsync($"/api/v1/chats/{Guid.NewGuid()}/search?q=confidential").ProblemAsync(404);
    }

    [Fact]
    public async Task A_member_who_left_can_no_longer_search_the_chat()
    {
        var (alice, bob, carol) = (await NewChattersAsync(3)) is [var a, var b, var c] ? (a, b, c) : default;
        var chat = (await alice.CreateGroupAsync("Team", bob, carol)).Id();
        await alice.SendAsync(chat, "the secret recipe");
        await WaitForHitsAsync(carol, chat, "recipe", 1);

        using var left = await carol.DeleteRawAsync($"/api/v1/chats/{chat}/members/{carol.Id}");
        Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);

        await carol.GetRawAsync($"/api/v1/chats/{chat}/search?q=recipe").ProblemAsync(404);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_through_every_match_once()
    {
        var (alice, bob) = (await NewChattersAsync(2)) is [var a, var b] ? (a, b) : default;
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var sent = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            sent.Add((await alice.SendAsync(chat, $"standup note number {i}")).Id());
        }

        await WaitForHitsAsync(bob, chat, "standup", 7);
        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await bob.GetAsync($"/api/v1/chats/{chat}/search?q=standup&limit=3" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            seen.AddRange(page.Items().Select(h => h.GetProperty("signalId").GetGuid()));
            cursor = page.NextCursor();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(sent.Order(), seen.Order());
    }

    [Fact]
    public async Task A_cursor_works_only_for_the_query_that_issued_it()
    {
        var (alice, bob) = (await NewChattersAsync(2)) is [var a, var b] ? (a, b) : default;
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        await alice.SendAsync(chat, "pear one");
        await alice.SendAsync(chat, "pear two");
        await WaitForHitsAsync(bob, chat, "pear", 2);
        var cursor = (await bob.GetAsync($"/api/v1/chats/{chat}/search?q=pear&limit=1")).NextCursor();
        Assert.NotNull(cursor);

        await bob.GetRawAsync($"/api/v1/chats/{chat}/search?q=apple&limit=1&cursor={Uri.EscapeDataString(cursor)}").ProblemAsync(400, "cursor");
        await bob.GetRawAsync($"/api/v1/chats/{chat}/search?q=pear&cursor=not-a-cursor").ProblemAsync(400, "cursor");
    }

    [Theory]
    [InlineData("")]
    [InlineData("%20%20%20")]
    [InlineData(null)]
    public async Task An_empty_query_is_a_400_naming_q(string? q)
    {
        var (alice, bob) = (await NewChattersAsync(2)) is [var a, var b] ? (a, b) : default;
        var chat = (await alice.CreateDirectAsync(bob)).Id();

        await alice.GetRawAsync($"/api/v1/chats/{chat}/search" + (q is null ? "" : $"?q={q}")).ProblemAsync(400, "q");
    }

    [Fact]
    public async Task A_query_over_the_length_limit_or_a_bad_limit_is_a_400()
    {
        var (alice, bob) = (await NewChattersAsync(2)) is [var a, var b] ? (a, b) : default;
        var chat = (await alice.CreateDirectAsync(bob)).Id();

        await alice.GetRawAsync($"/api/v1/chats/{chat}/search?q={new string('a', 501)}").ProblemAsync(400, "q");
        await alice.GetRawAsync($"/api/v1/chats/{chat}/search?q={new string('a', 500)}").OkJsonAsync();
        await alice.GetRawAsync($"/api/v1/chats/{chat}/search?q=x&limit=0").ProblemAsync(400, "limit");
        await alice.GetRawAsync($"/api/v1/chats/{chat}/search?q=x&limit=101").ProblemAsync(400, "limit");
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("\"\"\"")]
    [InlineData("*")]
    [InlineData("rock*")]
    [InlineData("NEAR(rock roll)")]
    [InlineData("rock OR roll")]
    [InlineData("(")]
    [InlineData("rock)")]
    [InlineData("\"unterminated rock")]
    [InlineData("text : rock")]
    [InlineData("chatId = \"x\" OR chatId != \"x\"")]
    [InlineData("-rock ^roll {a b}")]
    [InlineData("\uE000rock\uE001")]
    [InlineData("rock\0\"")]
    public async Task Hostile_queries_are_answered_as_text_never_with_a_500(string q)
    {
        var (alice, bob) = (await NewChattersAsync(2)) is [var a, var b] ? (a, b) : default;
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        await alice.SendAsync(chat, "rock and roll all night");
        await WaitForHitsAsync(bob, chat, "rock", 1);

        var page = await bob.GetAsync($"/api/v1/chats/{chat}/search?q={Uri.EscapeDataString(q)}");

        Assert.True(page.Items().Length <= 1);
    }

    [Fact]
    public async Task A_10_kB_query_is_refused_with_a_4xx_never_a_500()
    {
        var (alice, bob) = (await NewChattersAsync(2)) is [var a, var b] ? (a, b) : default;
        var chat = (await alice.CreateDirectAsync(bob)).Id();

        // 7 kB of words fits Kestrel's 8 kB request line and meets the length check; 10 kB does
        // not fit, and Kestrel itself answers 414 before the server sees it.
        await alice.GetRawAsync($"/api/v1/chats/{chat}/search?q={string.Concat(Enumerable.Repeat("word+", 1500))[..7000]}").ProblemAsync(400, "q");
        foreach (var tenKb in new[] { new string('a', 10_240), new string('"', 10_240), string.Concat(Enumerable.Repeat("NEAR(a* OR \"b\") ", 640)) })
        {
            using var response = await alice.GetRawAsync($"/api/v1/chats/{chat}/search?q={Uri.EscapeDataString(tenKb)}");
            Assert.True((int)response.StatusCode is 400 or 414, $"got {(int)response.StatusCode}");
        }
    }

    /// <summary>Polls the search until it returns <paramref name="count"/> hits, for at most ten seconds.</summary>
    [Fact]
    public async Task The_index_is_kept_in_a_file_beside_the_stores_not_in_it()
    {
        var (alice, bob) = (await NewChattersAsync(2)) is [var a, var b] ? (a, b) : default;
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var sent = await alice.SendAsync(chat, "the kingfisher dived");
        await WaitForHitsAsync(bob, chat, "kingfisher", 1);
        var storePath = Server.Services.GetRequiredService<IConfiguration>()["Store:Sqlite:Path"]!;

        Assert.Equal(1, await DocumentsAsync(SqliteSearchOptions.BesideStore(storePath), sent.Id()));
        // With the chats on Scylla (the subclass), the store has no file of its own to look into.
        if (Server.Services.GetService<SqliteChatStore>() is not null)
        {
            Assert.Equal(0, await DocumentsAsync(storePath, sent.Id()));
        }
    }

    private static async Task<long> DocumentsAsync(string path, Guid signalId)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM search_documents WHERE signal_id = $id";
        count.Parameters.AddWithValue("$id", signalId.ToString("D"));
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static async Task<JsonElement[]> WaitForHitsAsync(Chatter who, Guid chatId, string q, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var url = $"/api/v1/chats/{chatId}/search?q={Uri.EscapeDataString(q)}&limit=100";
        while (true)
        {
            var hits = (await who.GetAsync(url)).Items();
            if (hits.Length >= count)
            {
                return hits;
            }

            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"search for '{q}' found {hits.Length} of {count} messages within 10 s");
            }

            // Not faster: searches are rate-limited per user (RateLimits:Searches, 60 a minute by default).
            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
    }
}
