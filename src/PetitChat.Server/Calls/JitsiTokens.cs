using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PetitChat.Core.Calls;
using PetitChat.Core.Users;

namespace PetitChat.Server.Calls;

/// <summary>
/// Join tokens in the shape of Jitsi's token authentication (prosody <c>token</c> auth,
/// https://github.com/jitsi/lib-jitsi-meet/blob/master/doc/tokens.md): <c>iss</c> = app id,
/// <c>aud</c>, <c>sub</c> = domain or tenant, <c>room</c> = this call's room only (never <c>*</c>),
/// <c>nbf</c>/<c>exp</c>, <c>context.user</c>, and <c>moderator</c> for the call's starter.
/// HS256 with the app secret, or RS256 with a <c>kid</c> (8x8 JaaS).
/// </summary>
public sealed class JitsiTokens : IDisposable
{
    private readonly JitsiOptions _options;
    private readonly TimeProvider _time;
    private readonly RSA? _rsa;
    private readonly SigningCredentials? _credentials;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public JitsiTokens(IOptions<JitsiOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        if (!string.IsNullOrWhiteSpace(_options.PrivateKey))
        {
            _rsa = RSA.Create();
            _rsa.ImportFromPem(_options.PrivateKey);
            _credentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = _options.KeyId }, SecurityAlgorithms.RsaSha256);
        }
        else if (!string.IsNullOrWhiteSpace(_options.AppSecret))
        {
            _credentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_options.AppSecret)), SecurityAlgorithms.HmacSha256);
        }
    }

    /// <summary>How <paramref name="user"/> joins <paramref name="call"/>: the conference URL and, when tokens are configured, the JWT.</summary>
    public JoinDto JoinFor(Call call, User user)
    {
        var jwt = _credentials is null ? null : Create(call, user);
        // A tenant's rooms (8x8 JaaS: the AppID; a multi-tenant Jitsi) are under its name: domain/tenant/room.
        var tenant = _options.Tenant is { } name ? name + "/" : "";
        var url = $"https://{_options.Domain}/{tenant}{call.Room}" + (jwt is null ? "" : "?jwt=" + jwt);
        return new JoinDto(url, _options.Domain, call.Room, jwt);
    }

    public void Dispose() => _rsa?.Dispose();

    private string Create(Call call, User user)
    {
        var now = _time.GetUtcNow();
        var moderator = call.StartedBy == user.Id;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.AppId,
            Audience = _options.Audience,
            NotBefore = now.UtcDateTime.AddSeconds(-10),
            Expires = (now + _options.TokenLifetime).UtcDateTime,
            SigningCredentials = _credentials,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = string.IsNullOrWhiteSpace(_options.Subject) ? _options.Domain : _options.Subject,
                ["room"] = call.Room,
                ["moderator"] = moderator,
                ["context"] = new Dictionary<string, object>
                {
                    ["user"] = new Dictionary<string, object>
                    {
                        ["id"] = user.Id.ToString("D"),
                        ["name"] = user.DisplayName,
                        ["email"] = user.Email ?? "",
                        ["avatar"] = "",
                        // JaaS reads the role here, as text.
                        ["moderator"] = moderator ? "true" : "false",
                    },
                },
            },
        });
    }
}
