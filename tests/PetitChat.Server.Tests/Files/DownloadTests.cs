using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Files;

public sealed class DownloadTests(S3FilesServer server) : FilesTest(server)
{
    [Fact]
    public async Task A_plain_file_downloads_as_an_attachment_that_browsers_may_not_sniff()
    {
        var (alice, bob, chat) = await PairAsync();
        var bytes = Encoding.UTF8.GetBytes("<html><script>alert('x')</script></html>");
        var file = await UploadAsync(alice, chat, bytes, "page.html");

        using var response = await bob.GetRawAsync(file.Str("contentUrl"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("page.html", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
    }

    [Fact]
    public async Task Range_requests_get_the_slice_they_ask_for()
    {
        var (alice, _, chat) = await PairAsync();
        var bytes = RandomBytes(1000);
        var url = (await UploadAsync(alice, chat, bytes)).Str("contentUrl");

        using var middle = await RangeAsync(alice, url, new RangeHeaderValue(100, 199));
        Assert.Equal(HttpStatusCode.PartialContent, middle.StatusCode);
        Assert.Equal("bytes 100-199/1000", middle.Content.Headers.ContentRange?.ToString());
        Assert.Equal(bytes[100..200], await middle.Content.ReadAsByteArrayAsync());

        using var suffix = await RangeAsync(alice, url, new RangeHeaderValue(null, 10));
        Assert.Equal(bytes[990..], await suffix.Content.ReadAsByteArrayAsync());

        using var open = await RangeAsync(alice, url, new RangeHeaderValue(995, null));
        Assert.Equal(bytes[995..], await open.Content.ReadAsByteArrayAsync());

        using var beyond = await RangeAsync(alice, url, new RangeHeaderValue(5000, null));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
        Assert.Equal("bytes */1000", beyond.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task An_image_is_measured_previewed_and_served_inline_without_its_exif()
    {
        var (alice, bob, chat) = await PairAsync();
        var photo = TestImages.JpegWithExif(800, 600);

        var file = await UploadAsync(alice, chat, photo, "holiday.jpg");

        Assert.Equal("image/jpeg", file.Str("contentType"));
        Assert.Equal((800, 600), (file.GetProperty("width").GetInt32(), file.GetProperty("height").GetInt32()));
        Assert.Equal(Sha256(photo), file.Str("sha256"));

        using var content = await bob.GetRawAsync(file.Str("contentUrl"));
        Assert.Equal("inline", content.Content.Headers.ContentDisposition?.DispositionType);
        var served = await content.Content.ReadAsByteArrayAsync();
        Assert.Equal(file.GetProperty("size").GetInt64(), served.Length);
        Assert.False(TestImages.Inspect(served).HasMetadata);
        Assert.DoesNotContain(TestImages.SecretMake, Encoding.Latin1.GetString(served), StringComparison.Ordinal);

        using var preview = await bob.GetRawAsync(file.Str("previewUrl"));
        Assert.Equal("image/webp", preview.Content.Headers.ContentType?.MediaType);
        var previewBytes = await preview.Content.ReadAsByteArrayAsync();
        Assert.Equal((800, 600), TestImages.SizeOf(previewBytes));
        Assert.True(previewBytes.Length < served.Length, $"preview {previewBytes.Length} bytes, image {served.Length}");

        var thumbnail = await BytesAsync(bob, file.Str("thumbnailUrl"));
        Assert.Equal((320, 240), TestImages.SizeOf(thumbnail));
    }

    [Fact]
    public async Task A_truncated_image_is_kept_as_a_plain_file_without_preview()
    {
        var (alice, _, chat) = await PairAsync();
        var truncated = TestImages.TruncatedPng();

        var file = await UploadAsync(alice, chat, truncated, "broken.png");

        AssertPlainFile(file);
        Assert.Equal(truncated, await BytesAsync(alice, file.Str("contentUrl")));
        await alice.GetRawAsync($"/api/v1/files/{file.Id()}/preview").ProblemAsync(404);
    }

    [Fact]
    public async Task Text_behind_a_png_signature_is_kept_as_a_plain_attachment()
    {
        var (alice, _, chat) = await PairAsync();

        var file = await UploadAsync(alice, chat, TestImages.TextBehindPngSignature(), "innocent.png");

        AssertPlainFile(file);
        using var content = await alice.GetRawAsync(file.Str("contentUrl"));
        Assert.Equal("attachment", content.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("application/octet-stream", content.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_pixel_bomb_is_not_decoded_and_is_kept_as_a_plain_file()
    {
        var (alice, _, chat) = await PairAsync();

        var file = await UploadAsync(alice, chat, TestImages.PixelBombPng(), "bomb.png");

        AssertPlainFile(file);
        Assert.Empty(await Server.ObjectsAsync("previews/" + file.Str("sha256")));
    }

    private static void AssertPlainFile(System.Text.Json.JsonElement file)
    {
        Assert.Equal("application/octet-stream", file.Str("contentType"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, file.GetProperty("width").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, file.GetProperty("previewUrl").ValueKind);
    }

    private static Task<HttpResponseMessage> RangeAsync(Chatter who, string url, RangeHeaderValue range)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = range;
        return who.Http.SendAsync(request);
    }
}
