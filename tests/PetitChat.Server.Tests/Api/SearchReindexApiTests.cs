using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

/// <summary>
/// <c>POST/GET /api/v1/admin/search/reindex</c> on the default engines, and a message with only
/// attachments found by <c>has:file</c>. The server is shared with other tests, so counts are
/// lower bounds and the run may already be going when a test starts one.
/// </summary>
public class SearchReindexApiTests(PetitChatServer server) : ApiTest(server)
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
    public async Task Reindex_by_an_administrator_is_accepted_once_and_walks_every_message_to_the_end()
    {
        var (alice, bob) = (await NewChattersAsync(2)) is [var a, var b] ? (a, b) : default;
        var chat = (await alice.CreateGroupAsync("Reindexed", bob)).Id();
        for (var i = 0; i < 3; i++)
        {
            await bob.SendAsync(chat, $"walrus {i}");
        }

        var admin = await Chatter.SignInAsync(await Server.ClientForAsync("admin"), "admin");

        using var first = await admin.PostRawAsync("/api/v1/admin/search/reindex", new { });
        using var second = await admin.PostRawAsync("/api/v1/admin/search/reindex", new { });

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("/api/v1/admin/search/reindex", first.Headers.Location?.OriginalString);
        var run = await ReadAsync(first);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        // The same run while it goes (the store contract checks that strictly); a new one only after it finished.
        var again = await ReadAsync(second);
        Assert.Equal("running", run.Str("state"));

        var done = await WaitUntilFinishedAsync(admin, again.GetProperty("id").GetGuid());
        Assert.True(done.GetProperty("scanned").GetInt64() >= 3, done.ToString());
        Assert.True(done.GetProperty("enqueued").GetInt64() >= 3, done.ToString());
        Assert.NotNull(done.Str("finishedAt"));
    }

    [Fact]
    public async Task A_message_with_only_an_attachment_is_found_by_has_file()
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

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var hits = (await alice.GetAsync($"/api/v1/search?has=file&in={chat}")).Items();
            if (hits.Length > 0)
            {
                Assert.Equal([fileOnly.Id()], hits.Select(h => h.GetProperty("signalId").GetGuid()));
                return;
            }

            Assert.False(timeout.IsCancellationRequested, "has:file did not find the message with only an attachment within 10 s");
            await Task.Delay(TimeSpan.FromMilliseconds(25), CancellationToken.None);
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

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
