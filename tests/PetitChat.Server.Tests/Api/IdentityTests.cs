using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PetitChat.Server.Identity;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

public sealed class IdentityTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task The_discovery_document_is_on_the_server_origin_and_offers_password_and_code_with_pkce()
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };

        var discovery = await http.GetAsync(new Uri("/.well-known/openid-configuration", UriKind.Relative)).OkJsonAsync();
        var jwks = await http.GetAsync(new Uri(discovery.Str("jwks_uri"))).OkJsonAsync();

        Assert.Equal(Server.BaseAddress.AbsoluteUri, discovery.Str("issuer"));
        Assert.Equal(new Uri(Server.BaseAddress, "connect/token").AbsoluteUri, discovery.Str("token_endpoint"));
        Assert.Equal(new Uri(Server.BaseAddress, "connect/authorize").AbsoluteUri, discovery.Str("authorization_endpoint"));
        Assert.Contains("S256", Strings(discovery, "code_challenge_methods_supported"));
        Assert.Contains("password", Strings(discovery, "grant_types_supported"));
        Assert.Contains("authorization_code", Strings(discovery, "grant_types_supported"));
        Assert.Equal("RSA", jwks.GetProperty("keys")[0].Str("kty"));
    }

    [Fact]
    public async Task A_password_grant_token_carries_keycloak_shaped_claims()
    {
        var username = $"Dora-{Guid.NewGuid().ToString("N")[..8]}";

        var token = new JsonWebToken(await Server.TokenForAsync(username));

        Assert.Equal("RS256", token.Alg);
        Assert.Equal(Server.BaseAddress.AbsoluteUri, token.Issuer);
        Assert.Contains("petitchat-api", token.Audiences);
        Assert.True(Guid.TryParse(token.Subject, out _));
        Assert.Equal(username.ToLowerInvariant(), token.GetClaim("preferred_username").Value);
        Assert.Equal(username, token.GetClaim("name").Value);
        using var realmAccess = JsonDocument.Parse(token.GetClaim("realm_access").Value);
        Assert.Equal(["user"], realmAccess.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(token.Subject, new JsonWebToken(await Server.TokenForAsync(username.ToUpperInvariant())).Subject);
    }

    [Fact]
    public async Task Administrators_named_in_configuration_get_the_admin_role()
    {
        var admin = await Chatter.SignInAsync(await Server.ClientForAsync("admin"), "admin");

        var me = await admin.GetAsync("/api/v1/me");

        Assert.Contains("admin", Strings(me, "roles"));
    }

    [Theory]
    [InlineData("wrong password", "petitchat-cli", "password", "not-the-password")]
    [InlineData("unknown client", "someone-else", "password", PetitChatServer.Password)]
    [InlineData("web client with a password", "petitchat-web", "password", PetitChatServer.Password)]
    public async Task The_token_endpoint_refuses_bad_grants(string because, string clientId, string grantType, string password)
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };

        using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = grantType,
            ["client_id"] = clientId,
            ["username"] = "mallory",
            ["password"] = password,
        }));

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, because);
        Assert.False(string.IsNullOrEmpty((await response.ReadJsonAsync()).Str("error")), because);
    }

    public static TheoryData<string, bool> Forgeries => new()
    {
        { "control: a token shaped like the issuer's", true },
        { "wrong audience", false },
        { "wrong issuer", false },
        { "expired", false },
        { "not yet valid", false },
        { "signed with another key", false },
        { "HS256 with the public key as secret", false },
        { "alg none", false },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Tokens_are_checked_for_signature_algorithm_issuer_audience_and_lifetime(string forgery, bool accepted)
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Forge(forgery));

        using var response = await http.GetAsync(new Uri("/api/v1/me", UriKind.Relative));

        Assert.True(accepted == (response.StatusCode == HttpStatusCode.OK), $"{forgery}: {(int)response.StatusCode}");
        if (!accepted)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_browser_signs_in_with_authorization_code_and_pkce_through_the_login_page()
    {
        using var browser = Browser();
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var redirectUri = new Uri(Server.BaseAddress, "callback").AbsoluteUri;
        var authorize = $"/connect/authorize?client_id=petitchat-web&response_type=code&scope=openid%20profile%20offline_access" +
            $"&redirect_uri={Uri.EscapeDataString(redirectUri)}&code_challenge={challenge}&code_challenge_method=S256&state=s-42";
        var username = $"erin-{Guid.NewGuid().ToString("N")[..8]}";

        using var toLogin = await browser.GetAsync(new Uri(authorize, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, toLogin.StatusCode);
        Assert.StartsWith(EmbeddedIssuer.LoginPath, toLogin.Headers.Location!.IsAbsoluteUri ? toLogin.Headers.Location.PathAndQuery : toLogin.Headers.Location.OriginalString, StringComparison.Ordinal);
        using var loginPage = await browser.GetAsync(toLogin.Headers.Location);
        Assert.Contains("name=\"username\"", await loginPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var wrong = await browser.PostAsync(new Uri(EmbeddedIssuer.LoginPath, UriKind.Relative), Form(username, "nope", authorize));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var signedIn = await browser.PostAsync(new Uri(EmbeddedIssuer.LoginPath, UriKind.Relative), Form(username, PetitChatServer.Password, authorize));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var toCallback = await browser.GetAsync(signedIn.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, toCallback.StatusCode);
        var callback = toCallback.Headers.Location!;
        Assert.StartsWith(redirectUri, callback.AbsoluteUri, StringComparison.Ordinal);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(callback.Query);
        Assert.Equal("s-42", query["state"].ToString());

        var tokens = await browser.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = "petitchat-web",
            ["code"] = query["code"].ToString(),
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = verifier,
        })).OkJsonAsync();
        using var api = new HttpClient { BaseAddress = Server.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Str("access_token"));
        var me = await api.GetAsync(new Uri("/api/v1/me", UriKind.Relative)).OkJsonAsync();

        Assert.Equal(username, me.Str("username"));
        Assert.False(string.IsNullOrEmpty(tokens.Str("id_token")));
        Assert.False(string.IsNullOrEmpty(tokens.Str("refresh_token")));
    }

    [Fact]
    public async Task The_authorization_endpoint_refuses_a_redirect_to_another_origin()
    {
        using var browser = Browser();

        using var response = await browser.GetAsync(new Uri(
            "/connect/authorize?client_id=petitchat-web&response_type=code&scope=openid&code_challenge=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq" +
            "&code_challenge_method=S256&redirect_uri=" + Uri.EscapeDataString("https://evil.example/callback"), UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    private HttpClient Browser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = Server.BaseAddress };

    private static FormUrlEncodedContent Form(string username, string password, string returnUrl) => new(new Dictionary<string, string>
    {
        ["username"] = username,
        ["password"] = password,
        ["returnUrl"] = returnUrl,
    });

    private static string[] Strings(JsonElement element, string name) =>
        [.. element.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    private string Forge(string forgery)
    {
        var keys = EmbeddedIssuerKeys.LoadOrCreate(Server.IssuerKeyPath);
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = forgery == "wrong issuer" ? "http://127.0.0.1:1/" : Server.BaseAddress.AbsoluteUri,
            Audience = forgery == "wrong audience" ? "account" : "petitchat-api",
            IssuedAt = now.AddMinutes(-10),
            NotBefore = forgery switch
            {
                "expired" => now.AddMinutes(-10),
                "not yet valid" => now.AddMinutes(10),
                _ => now.AddMinutes(-1),
            },
            Expires = forgery switch
            {
                "expired" => now.AddMinutes(-5),
                "not yet valid" => now.AddMinutes(20),
                _ => now.AddMinutes(5),
            },
            Claims = new Dictionary<string, object>
            {
                ["sub"] = Guid.NewGuid().ToString(),
                ["preferred_username"] = $"forged-{Guid.NewGuid().ToString("N")[..8]}",
                ["typ"] = "Bearer",
            },
            SigningCredentials = forgery switch
            {
                "signed with another key" => new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)) { KeyId = keys.Signing.KeyId }, SecurityAlgorithms.RsaSha256),
                "HS256 with the public key as secret" => new SigningCredentials(
                    new SymmetricSecurityKey(keys.Signing.Rsa.ExportSubjectPublicKeyInfo()) { KeyId = keys.Signing.KeyId }, SecurityAlgorithms.HmacSha256),
                "alg none" => null,
                _ => new SigningCredentials(keys.Signing, SecurityAlgorithms.RsaSha256),
            },
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
