using System.Net;
using System.Text;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Safety;

/// <summary>Found by the fuzzer: a JSON body declared in another charset was a 500.</summary>
public sealed class JsonCharsetTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task A_json_body_in_another_charset_gets_415_not_500()
    {
        var alice = await NewChatterAsync("alice");
        using var content = new StringContent("{\"memberIds\":[]}", Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/json; charset=utf-7");

        using var response = await alice.Http.PostAsync(new Uri("/api/v1/chats", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
