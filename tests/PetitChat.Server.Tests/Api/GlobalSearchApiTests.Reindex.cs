using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace PetitChat.Server.Tests.Api;

// POST/GET /api/v1/admin/search/reindex on the default engines, and a message with only
// attachments found by has:file. The server is shared with other tests, so counts are lower bounds.
public partial class GlobalSearchApiTests
{
    [Fact]
    public async Task Reindex_is_refused_to_a_user_who_is_not_an_administrator()
    {
        var alice = (await NewChattersAsync(1))[0];

        using var start = await alice.PostRawAsync("/api/v1/admin/search/reindex", new { });
        using var status = await alice.GetRawAsync("/api/v1/admin/search/reindex");

        Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
        Assert.Equal("application/problem+json", start.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, status.StatusCode);
    }

    [Fact]
    public async Task Reindex_by_an_administrator_is_accepted_and_walks_every_message_to_the_end()
    {
        var (alice, bob) = (await NewChattersAsync(2)) is [var a, var b] ? (a, b) : default;
        var chat = (await alice.CreateGroupAsync("Reindexed", bob)).Id();
        for (var i = 0; i < 3; i++)
        {
            await bob.SendAsync(chat, $"walrus {i}");
        }

        // Indexed from the send path first: a job still pending would cover its message, and the
        // run would write none for it.
        await WaitForHitsAsync(alice, $"q=walrus&in={chat}", 3);
        var admin = await Chatter.SignInAsync(await Server.ClientForAsync("admin"), "admin");

        using var started = await admin.PostRawAsync("/api/v1/admin/search/reindex", new { });

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("/api/v1/admin/search/reindex", started.Headers.Location?.OriginalString);
        var run = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.Clone();
        var done = await WaitUntilFinishedAsync(admin, run.GetProperty("id").GetGuid());
        Assert.True(done.GetProperty("scanned").GetInt64() >= 3, done.ToString());
        Assert.True(done.GetProperty("enqueued").GetInt64() >= 3, done.ToString());
        Assert.NotNull(done.Str("finishedAt"));
    }

    [Fact]
    public async Task A_message_with_only_an_attachment_is_found_by_has_file_and_by_its_file_name()
    {
        var (alice, bob) = (await NewChattersAsync(2)) is [var a, var b] ? (a, b) : default;
        var chat = (await alice.CreateGroupAsync("Files", bob)).Id();
        await alice.SendAsync(chat, "no file here");
        using var content = new MultipartFormDataContent();
        var bytes = new ByteArrayContent("chart"u8.ToArray());
        bytes.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        content.Add(bytes, "file", "chart.txt");
        var file = (await bob.Http.PostAsync(new Uri($"/api/v1/chats/{chat}/files", UriKind.Relative), content).OkJsonAsync(201)).Id();
        var fileOnly = await bob.PostRawAsync($"/api/v1/chats/{chat}/signals",
            new { kind = "message", clientId = Guid.NewGuid().ToString(), attachmentIds = new[] { file } }).OkJsonAsync(201);

        var hits = await WaitForHitsAsync(alice, $"has=file&in={chat}", 1);

        Assert.Equal([fileOnly.Id()], hits.Select(h => h.GetProperty("signalId").GetGuid()));
        var byName = Assert.Single((await alice.GetAsync($"/api/v1/search?q=chart&in={chat}")).Items());
        Assert.Equal(fileOnly.Id(), byName.GetProperty("signalId").GetGuid());
        Assert.Contains("\uE000chart\uE001", byName.Str("snippet"), StringComparison.Ordinal);
    }

    /// <summary>Polls the run until it finished, for at most 30 seconds.</summary>
    private static async Task<JsonElement> WaitUntilFinishedAsync(Chatter admin, Guid runId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var status = await admin.GetAsync("/api/v1/admin/search/reindex");
            if (status.GetProperty("id").GetGuid() == runId && status.Str("state") == "finished")
            {
                return status;
            }

            Assert.False(timeout.IsCancellationRequested, $"reindex {runId} did not finish within 30 s: {status}");
            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }
    }
}
