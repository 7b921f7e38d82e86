using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using PetitChat.Server.Identity;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

/// <summary>A validated access token is trusted again by its exact text, never past its expiry, the configured lifetime or its issuer's keys.</summary>
public sealed class ValidatedTokensTests(PetitChatServer server) : ApiTest(server)
{
    private static readonly AuthenticationScheme Scheme = new(JwtBearerDefaults.AuthenticationScheme, null, typeof(JwtBearerHandler));

    [Fact]
    public async Task A_token_validated_once_authenticates_the_next_request_as_it_did_then()
    {
        var issuer = new Issuer();
        var tokens = Tokens(issuer.Time, TimeSpan.FromMinutes(1));
        var (token, principal) = await issuer.ValidatedAsync(tokens, "alice", TimeSpan.FromMinutes(5));

        var next = await issuer.ReceivedAsync(tokens, token);

        Assert.True(next.Result?.Succeeded);
        Assert.Same(principal, next.Result!.Principal);
    }

    [Fact]
    public async Task A_cached_token_is_validated_again_after_the_lifetime_and_never_trusted_past_its_expiry()
    {
        var issuer = new Issuer();
        var tokens = Tokens(issuer.Time, TimeSpan.FromMinutes(1));
        var (longLived, _) = await issuer.ValidatedAsync(tokens, "alice", TimeSpan.FromMinutes(30));
        var (shortLived, _) = await issuer.ValidatedAsync(tokens, "bob", TimeSpan.FromSeconds(20));

        issuer.Time.Now += TimeSpan.FromSeconds(21);
        Assert.Null((await issuer.ReceivedAsync(tokens, shortLived)).Result);
        Assert.True((await issuer.ReceivedAsync(tokens, longLived)).Result?.Succeeded);

        issuer.Time.Now += TimeSpan.FromSeconds(40);
        Assert.Null((await issuer.ReceivedAsync(tokens, longLived)).Result);
    }

    [Fact]
    public async Task Validated_tokens_are_dropped_when_the_issuer_keys_are_fetched_again()
    {
        var issuer = new Issuer();
        var tokens = Tokens(issuer.Time, TimeSpan.FromMinutes(1));
        var (token, _) = await issuer.ValidatedAsync(tokens, "alice", TimeSpan.FromMinutes(5));

        issuer.Refetch();

        Assert.Null((await issuer.ReceivedAsync(tokens, token)).Result);
    }

    [Fact]
    public async Task A_token_signed_with_a_key_that_is_no_longer_the_issuers_is_not_kept()
    {
        var issuer = new Issuer();
        var tokens = Tokens(issuer.Time, TimeSpan.FromMinutes(1));
        await issuer.ReceivedAsync(tokens, "nothing yet");
        var (token, principal) = issuer.Mint("alice", TimeSpan.FromMinutes(5));
        var oldKey = issuer.Key;

        // Another request saw the keys fetched again (the old key removed) before this one was kept.
        issuer.Refetch(withNewKey: true);
        await issuer.ReceivedAsync(tokens, "another request");
        tokens.Keep(issuer.Validated(token, principal, oldKey));

        Assert.Null((await issuer.ReceivedAsync(tokens, token)).Result);
    }

    [Fact]
    public async Task Only_the_exact_token_text_finds_a_validated_token()
    {
        var issuer = new Issuer();
        var tokens = Tokens(issuer.Time, TimeSpan.FromMinutes(1));
        var (token, _) = await issuer.ValidatedAsync(tokens, "alice", TimeSpan.FromMinutes(5));

        Assert.Null((await issuer.ReceivedAsync(tokens, token + "x")).Result);
        Assert.Null((await issuer.ReceivedAsync(tokens, token[..^1])).Result);
    }

    [Fact]
    public async Task A_lifetime_of_zero_keeps_nothing()
    {
        var issuer = new Issuer();
        var tokens = Tokens(issuer.Time, TimeSpan.Zero);
        var (token, _) = await issuer.ValidatedAsync(tokens, "alice", TimeSpan.FromMinutes(5));

        Assert.Null((await issuer.ReceivedAsync(tokens, token)).Result);
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

    /// <summary>
    /// An issuer's keys as JwtBearer's configuration manager hands them out, and tokens that
    /// stand for ones that passed validation (what validating them takes is JwtBearer's part).
    /// </summary>
    private sealed class Issuer : IConfigurationManager<OpenIdConnectConfiguration>
    {
        private OpenIdConnectConfiguration _configuration = new();

        public Issuer() => Refetch(withNewKey: true);

        public ClockAt Time { get; } = new(DateTimeOffset.UtcNow);

        public SecurityKey Key { get; private set; } = null!;

        public JwtBearerOptions Options => new() { ConfigurationManager = this };

        /// <summary>A new configuration object, as a fetch of the discovery document and JWKS makes.</summary>
        public void Refetch(bool withNewKey = false)
        {
            if (withNewKey)
            {
                Key = new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            }

            _configuration = new OpenIdConnectConfiguration();
            _configuration.SigningKeys.Add(Key);
        }

        public (string Token, ClaimsPrincipal Principal) Mint(string subject, TimeSpan expiresIn)
        {
            var expires = Time.GetUtcNow().Add(expiresIn).UtcDateTime;
            var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Subject = new ClaimsIdentity([new Claim("sub", subject)]),
                IssuedAt = expires.AddHours(-1),
                NotBefore = expires.AddHours(-1),
                Expires = expires,
                SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
            });
            return (token, new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", subject)], "Bearer")));
        }

        public TokenValidatedContext Validated(string token, ClaimsPrincipal principal, SecurityKey signedWith) =>
            new(new DefaultHttpContext(), Scheme, Options) { Principal = principal, SecurityToken = new JsonWebToken(token) { SigningKey = signedWith } };

        /// <summary>A token's first request: not found, validated by JwtBearer, then kept.</summary>
        public async Task<(string Token, ClaimsPrincipal Principal)> ValidatedAsync(ValidatedTokens tokens, string subject, TimeSpan expiresIn)
        {
            var (token, principal) = Mint(subject, expiresIn);
            Assert.Null((await ReceivedAsync(tokens, token)).Result);
            tokens.Keep(Validated(token, principal, Key));
            return (token, principal);
        }

        public async Task<MessageReceivedContext> ReceivedAsync(ValidatedTokens tokens, string token)
        {
            var http = new DefaultHttpContext();
            http.Request.Headers.Authorization = "Bearer " + token;
            var context = new MessageReceivedContext(http, Scheme, Options);
            await tokens.OnMessageReceived(context);
            return context;
        }

        public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel) => Task.FromResult(_configuration);

        public void RequestRefresh()
        {
        }
    }

    private sealed class ClockAt(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
