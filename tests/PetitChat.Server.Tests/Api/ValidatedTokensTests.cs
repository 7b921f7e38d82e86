using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PetitChat.Server.Identity;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

/// <summary>A validated access token is trusted again by its exact text, never past its expiry or the configured lifetime.</summary>
public sealed class ValidatedTokensTests(PetitChatServer server) : ApiTest(server)
{
    private static readonly AuthenticationScheme Scheme = new(JwtBearerDefaults.AuthenticationScheme, null, typeof(JwtBearerHandler));

    [Fact]
    public async Task A_token_validated_once_authenticates_the_next_request_as_it_did_then()
    {
        var time = new ClockAt(DateTimeOffset.UtcNow);
        var tokens = Tokens(time, TimeSpan.FromMinutes(1));
        var (token, principal) = Token("alice", time.GetUtcNow().AddMinutes(5));
        tokens.Keep(Validated(token, principal));

        var next = await ReceivedAsync(tokens, token);

        Assert.True(next.Result?.Succeeded);
        Assert.Same(principal, next.Result!.Principal);
    }

    [Fact]
    public async Task A_cached_token_is_validated_again_after_the_lifetime_and_never_trusted_past_its_expiry()
    {
        var time = new ClockAt(DateTimeOffset.UtcNow);
        var tokens = Tokens(time, TimeSpan.FromMinutes(1));
        var (longLived, alice) = Token("alice", time.GetUtcNow().AddMinutes(30));
        var (shortLived, bob) = Token("bob", time.GetUtcNow().AddSeconds(20));
        tokens.Keep(Validated(longLived, alice));
        tokens.Keep(Validated(shortLived, bob));

        time.Now += TimeSpan.FromSeconds(21);
        Assert.Null((await ReceivedAsync(tokens, shortLived)).Result);
        Assert.True((await ReceivedAsync(tokens, longLived)).Result?.Succeeded);

        time.Now += TimeSpan.FromSeconds(40);
        Assert.Null((await ReceivedAsync(tokens, longLived)).Result);
    }

    [Fact]
    public async Task Only_the_exact_token_text_finds_a_validated_token()
    {
        var time = new ClockAt(DateTimeOffset.UtcNow);
        var tokens = Tokens(time, TimeSpan.FromMinutes(1));
        var (token, principal) = Token("alice", time.GetUtcNow().AddMinutes(5));
        tokens.Keep(Validated(token, principal));

        Assert.Null((await ReceivedAsync(tokens, token + "x")).Result);
        Assert.Null((await ReceivedAsync(tokens, token[..^1])).Result);
    }

    [Fact]
    public async Task A_lifetime_of_zero_keeps_nothing()
    {
        var time = new ClockAt(DateTimeOffset.UtcNow);
        var tokens = Tokens(time, TimeSpan.Zero);
        var (token, principal) = Token("alice", time.GetUtcNow().AddMinutes(5));
        tokens.Keep(Validated(token, principal));

        Assert.Null((await ReceivedAsync(tokens, token)).Result);
    }

    [Fact]
    public async Task A_token_with_a_tampered_signature_is_refused_after_the_genuine_one_was_accepted()
    {
        var username = $"tamper-{Guid.NewGuid().ToString("N")[..8]}";
        var token = await Server.TokenForAsync(username);
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        var last = token[^2] == 'A' ? 'B' : 'A';
        var tampered = token[..^2] + last + token[^1];

        using var genuine = await SendAsync(http, token);
        using var forged = await SendAsync(http, tampered);
        using var genuineAgain = await SendAsync(http, token);

        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, genuineAgain.StatusCode);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request);
    }

    private static ValidatedTokens Tokens(TimeProvider time, TimeSpan lifetime) =>
        new(time, Microsoft.Extensions.Options.Options.Create(new IdentityOptions { ValidatedTokenLifetime = lifetime }));

    /// <summary>An unsigned token with this expiry: what it stands for here is a token that passed validation.</summary>
    private static (string Token, ClaimsPrincipal Principal) Token(string subject, DateTimeOffset expires)
    {
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            IssuedAt = expires.UtcDateTime.AddHours(-1),
            NotBefore = expires.UtcDateTime.AddHours(-1),
            Expires = expires.UtcDateTime,
        });
        return (token, new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", subject)], "Bearer")));
    }

    private static TokenValidatedContext Validated(string token, ClaimsPrincipal principal) =>
        new(new DefaultHttpContext(), Scheme, new JwtBearerOptions()) { Principal = principal, SecurityToken = new JsonWebToken(token) };

    private static async Task<MessageReceivedContext> ReceivedAsync(ValidatedTokens tokens, string token)
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Authorization = "Bearer " + token;
        var context = new MessageReceivedContext(http, Scheme, new JwtBearerOptions());
        await tokens.OnMessageReceived(context);
        return context;
    }

    private sealed class ClockAt(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
