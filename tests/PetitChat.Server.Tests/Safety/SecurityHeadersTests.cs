using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Safety;

/// <summary>The web client and the login page cannot be framed by another site nor run script from elsewhere.</summary>
public sealed class SecurityHeadersTests(PetitChatServer server) : ApiTest(server)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/account/login")]
    public async Task Pages_carry_a_content_security_policy_and_frame_protection(string path)
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("SAMEORIGIN", string.Join(',', response.Headers.GetValues("X-Frame-Options")));
    }
}
