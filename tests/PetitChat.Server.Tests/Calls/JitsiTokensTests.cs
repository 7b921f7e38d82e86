using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PetitChat.Core.Calls;
using PetitChat.Core.Users;
using PetitChat.Server.Calls;

namespace PetitChat.Server.Tests.Calls;

/// <summary>
/// Join tokens for 8x8 JaaS: RS256 with the API key's <c>kid</c> in the header, <c>sub</c> the
/// tenant, the role in <c>context.user.moderator</c>
/// (https://developer.8x8.com/jaas/docs/api-keys-jwt, and Jitsi's claim set:
/// https://github.com/jitsi/lib-jitsi-meet/blob/master/doc/tokens.md). The HS256 tokens are
/// checked over HTTP in <see cref="CallsApiTests"/>.
/// </summary>
public sealed class JitsiTokensTests
{
    [Fact]
    public async Task With_a_private_key_tokens_are_rs256_with_its_kid_and_name_only_the_calls_room()
    {
        using var rsa = RSA.Create(2048);
        var options = new JitsiOptions
        {
            Domain = "8x8.vc",
            AppId = "chat",
            Audience = "jitsi",
            Subject = "vpaas-magic-cookie-0123456789abcdef",
            PrivateKey = rsa.ExportPkcs8PrivateKeyPem(),
            KeyId = "vpaas-magic-cookie-0123456789abcdef/4f4910",
            AppSecret = "an-hs256-secret-that-the-private-key-takes-precedence-over",
            TokenLifetime = TimeSpan.FromMinutes(20),
        };
        using var tokens = new JitsiTokens(Options.Create(options), TimeProvider.System);
        var starter = new User(Guid.CreateVersion7(), "sub-a", "alice", "Alice", [], DateTimeOffset.UtcNow, "alice@example.test");
        var guest = new User(Guid.CreateVersion7(), "sub-b", "bob", "Bob", [], DateTimeOffset.UtcNow);
        var now = DateTimeOffset.UtcNow;
        var call = new Call(Guid.CreateVersion7(), Guid.CreateVersion7(), "petitchat-0123456789abcdef0123456789abcdef", CallMedia.Video,
            starter.Id, now, null, [new CallParticipant(starter.Id, now, null)], 1);

        var (starterJoin, guestJoin) = (tokens.JoinFor(call, starter), tokens.JoinFor(call, guest));

        var publicKey = new RsaSecurityKey(RSA.Create(rsa.ExportParameters(includePrivateParameters: false)));
        foreach (var (join, user, moderator) in new[] { (starterJoin, starter, true), (guestJoin, guest, false) })
        {
            // The conference is the tenant's room; the token names the room alone.
            Assert.Equal(($"https://8x8.vc/{options.Subject}/{call.Room}?jwt={join.Jwt}", call.Room), (join.Url, join.Room));
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(join.Jwt, new TokenValidationParameters
            {
                ValidIssuer = "chat",
                ValidAudience = "jitsi",
                IssuerSigningKey = publicKey,
                ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                ClockSkew = TimeSpan.Zero,
            });
            Assert.True(result.IsValid, result.Exception?.Message);
            var token = (JsonWebToken)result.SecurityToken;
            Assert.Equal(("RS256", options.KeyId), (token.Alg, token.Kid));

            var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(join.Jwt!.Split('.')[1])).RootElement;
            Assert.Equal((options.Subject, call.Room), (payload.GetProperty("sub").GetString(), payload.GetProperty("room").GetString()));
            var (nbf, exp) = (payload.GetProperty("nbf").GetInt64(), payload.GetProperty("exp").GetInt64());
            Assert.InRange(exp - now.ToUnixTimeSeconds(), 1, (long)options.TokenLifetime.TotalSeconds + 5);
            Assert.True(nbf <= DateTimeOffset.UtcNow.ToUnixTimeSeconds() && nbf < exp);
            Assert.Equal(moderator, payload.GetProperty("moderator").GetBoolean());
            var context = payload.GetProperty("context").GetProperty("user");
            Assert.Equal((user.Id.ToString(), user.DisplayName, user.Email ?? ""), (context.GetProperty("id").GetString(), context.GetProperty("name").GetString(), context.GetProperty("email").GetString()));
            Assert.True(context.TryGetProperty("avatar", out _));
            Assert.Equal(moderator ? "true" : "false", context.GetProperty("moderator").GetString());
        }
    }

    [Fact]
    public void Without_a_secret_or_key_the_join_has_no_token_for_public_meet_jit_si()
    {
        using var tokens = new JitsiTokens(Options.Create(new JitsiOptions()), TimeProvider.System);
        var user = new User(Guid.CreateVersion7(), "sub", "alice", "Alice", [], DateTimeOffset.UtcNow);
        var call = new Call(Guid.CreateVersion7(), Guid.CreateVersion7(), "petitchat-room", CallMedia.Audio, user.Id, DateTimeOffset.UtcNow, null, [], 1);

        var join = tokens.JoinFor(call, user);

        Assert.Equal(("meet.jit.si", "https://meet.jit.si/petitchat-room", null), (join.Domain, join.Url, join.Jwt));
    }
}
