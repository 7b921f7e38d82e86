using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Files;

/// <summary>Files on the embedded defaults (blobs in a local folder), as `dotnet run` has them.</summary>
public sealed class LocalDiskFilesTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task An_image_uploads_previews_and_downloads_on_the_embedded_defaults()
    {
        var alice = await NewChatterAsync("alice");
        var bob = await NewChatterAsync("bob");
        var chat = (await alice.CreateGroupAsync("local", bob)).Id();
        var photo = TestImages.Png(500, 250);
        using var content = new MultipartFormDataContent();
        content.Add(new ByteArrayContent(photo), "file", "photo.png");

        var file = await alice.Http.PostAsync(new Uri($"/api/v1/chats/{chat}/files", UriKind.Relative), content).OkJsonAsync(201);

        Assert.Equal("image/png", file.Str("contentType"));
        using var download = await bob.GetRawAsync(file.Str("contentUrl"));
        Assert.Equal((500, 250), TestImages.SizeOf(await download.Content.ReadAsByteArrayAsync()));
        using var preview = await bob.GetRawAsync(file.Str("previewUrl"));
        Assert.Equal("image/webp", preview.Content.Headers.ContentType?.MediaType);
        Assert.Single((await bob.GetAsync($"/api/v1/chats/{chat}/files")).Items());
    }
}
