using System.Net;
using System.Text.Json;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Scylla;

/// <summary>Files and attachments with their metadata and reference counts in the Scylla store.</summary>
[Collection(ScyllaServerCollection.Name)]
public sealed class ScyllaFilesTests(ScyllaPetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task An_upload_is_listed_attached_to_a_message_and_deleted_through_the_scylla_catalog()
    {
        var alice = await NewChatterAsync("alice");
        var bob = await NewChatterAsync("bob");
        var chat = (await alice.CreateGroupAsync("files", bob)).Id();
        using var content = new MultipartFormDataContent();
        content.Add(new ByteArrayContent(TestImages.Png(300, 200)), "file", "cat.png");
        var file = await alice.Http.PostAsync(new Uri($"/api/v1/chats/{chat}/files", UriKind.Relative), content).OkJsonAsync(201);

        var sent = await alice.PostRawAsync($"/api/v1/chats/{chat}/signals",
            new { kind = "message", text = "look", clientId = "with-file", attachmentIds = new[] { file.Id() } }).OkJsonAsync(201);
        var message = (await bob.TimelineAsync(chat)).Items()[0];

        Assert.Equal([file.Id()], sent.GetProperty("attachmentIds").EnumerateArray().Select(e => e.GetGuid()));
        var attachment = Assert.Single(message.GetProperty("attachments").EnumerateArray());
        Assert.Equal(("cat.png", 300), (attachment.Str("name"), attachment.GetProperty("width").GetInt32()));
        Assert.Equal([file.Id()], (await bob.GetAsync($"/api/v1/chats/{chat}/files")).Items().Select(f => f.Id()));
        using var download = await bob.GetRawAsync(file.Str("contentUrl"));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(JsonValueKind.String, (await bob.GetAsync($"/api/v1/files/{file.Id()}")).GetProperty("name").ValueKind);

        using var deleted = await alice.DeleteRawAsync($"/api/v1/files/{file.Id()}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty((await bob.GetAsync($"/api/v1/chats/{chat}/files")).Items());
        using var gone = await bob.GetRawAsync($"/api/v1/files/{file.Id()}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
