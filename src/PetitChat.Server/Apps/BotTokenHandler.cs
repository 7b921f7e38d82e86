using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PetitChat.Core.Apps;

namespace PetitChat.Server.Apps;

/// <summary>
/// The second way in: <c>Authorization: Bearer pcb_...</c>, an app's bot token. The token names
/// its app, whose stored SHA-256 of the token is compared in constant time; the principal carries
/// the bot user's id (<see cref="BotUserClaim"/>), which <see cref="Users.Caller"/> binds.
/// Read on every request, so a rotated or revoked token stops at once on every node.
/// </summary>
public sealed class BotTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IAppStore apps)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "BotToken";
    public const string BotUserClaim = "petitchat_bot_user";

    /// <summary>Whether the request carries a bot token rather than an OIDC access token.</summary>
    public static bool CarriesBotToken(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer " + AppTokens.BotPrefix, StringComparison.Ordinal);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!CarriesBotToken(Request))
        {
            return AuthenticateResult.NoResult();
        }

        var token = Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        if (AppTokens.AppIdOf(token) is not { } appId || await apps.GetAppAsync(appId, Context.RequestAborted) is not { } app
            || !AppTokens.Matches(token, app.TokenHash))
        {
            return AuthenticateResult.Fail("The bot token is not valid.");
        }

        var identity = new ClaimsIdentity(
            [new Claim("sub", $"petitchat-app:{app.Id:N}"), new Claim(BotUserClaim, app.BotUserId.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
