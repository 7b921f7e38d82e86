using System.Net;
using System.Web;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Files;

/// <summary>Downloads as redirects to presigned URLs of s3rver; a fixture of its own, since it changes how content is served.</summary>
public sealed class PresignedDownloadTests(PresignedFilesServer server) : IClassFixture<PresignedFilesServer>
{
    [Fact]
    public async Task Content_redirects_to_a_presigned_url_that_expires_within_five_minutes()
    {
        var username = $"alice-{Guid.NewGuid().ToString("N")[..8]}";
        var alice = await Chatter.SignInAsync(await server.ClientForAsync(username), username);
        var chat = (await alice.CreateGroupAsync("presigned", await Chatter.SignInAsync(await server.ClientForAsync(username + "b"), username + "b"))).Id();
        var photo = TestImages.Png(100, 80);
        using var content = new MultipartFormDataContent { { new ByteArrayContent(photo), "file", "p.png" } };
        var file = await alice.Http.PostAsync(new Uri($"/api/v1/chats/{chat}/files", UriKind.Relative), content).OkJsonAsync(201);

        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        noRedirects.DefaultRequestHeaders.Authorization = alice.Http.DefaultRequestHeaders.Authorization;
        using var redirect = await noRedirects.GetAsync(new Uri(file.Str("contentUrl"), UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var location = redirect.Headers.Location!;
        Assert.True(int.Parse(HttpUtility.ParseQueryString(location.Query)["X-Amz-Expires"]!, System.Globalization.CultureInfo.InvariantCulture) <= 300);
        using var anonymous = new HttpClient();
        using var direct = await anonymous.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Equal("image/png", direct.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", direct.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal((100, 80), TestImages.SizeOf(await direct.Content.ReadAsByteArrayAsync()));
    }
}
