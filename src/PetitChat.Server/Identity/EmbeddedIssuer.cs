using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using PetitChat.Core.Users;
using PetitChat.Server.Limits;
using static OpenIddict.Abstractions.OpenIddictConstants;
using OidcErrors = OpenIddict.Abstractions.OpenIddictConstants.Errors;

namespace PetitChat.Server.Identity;

/// <summary>
/// The development-only OIDC issuer that runs in the server's own process when no external
/// authority is configured: discovery, JWKS, the password grant for <c>petitchat-cli</c>, and
/// authorization code + PKCE for <c>petitchat-web</c> with a plain login page. OpenIddict does
/// the protocol; this class only says who the clients are and what a user's token carries,
/// in Keycloak's shape (<c>preferred_username</c>, <c>realm_access.roles</c>), so that the
/// API cannot tell it from a Keycloak realm.
/// </summary>
public static class EmbeddedIssuer
{
    public const string CliClientId = "petitchat-cli";
    public const string WebClientId = "petitchat-web";
    public const string LoginScheme = "petitchat-login";
    public const string LoginPath = "/account/login";

    private const int MaxUsernameLength = 64;

    public static void AddEmbeddedIssuer(this WebApplicationBuilder builder, IdentityOptions identity, Uri issuer)
    {
        var keys = EmbeddedIssuerKeys.LoadOrCreate(Path.Combine(builder.Environment.ContentRootPath, identity.Embedded.KeyPath));
        var origins = identity.Embedded.WebOrigins.Select(o => new Uri(o).GetLeftPart(UriPartial.Authority))
            .Append(issuer.GetLeftPart(UriPartial.Authority))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "petitchat.antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.AddAuthentication().AddCookie(LoginScheme, options =>
        {
            options.LoginPath = LoginPath;
            options.Cookie.Name = "petitchat.login";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
        });

        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetIssuer(issuer);
            options.SetTokenEndpointUris("connect/token")
                .SetAuthorizationEndpointUris("connect/authorize")
                .SetEndSessionEndpointUris("connect/logout");
            options.AllowPasswordFlow()
                .AllowAuthorizationCodeFlow()
                .AllowRefreshTokenFlow()
                .RequireProofKeyForCodeExchange();
            options.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess);
            options.SetAccessTokenLifetime(identity.Embedded.AccessTokenLifetime);

            // The API validates access tokens as plain signed JWTs, as it does Keycloak's.
            options.DisableAccessTokenEncryption();
            options.AddSigningKey(keys.Signing);
            options.AddEncryptionKey(keys.Encryption);

            // No client or token database: the two clients are known here, and codes and
            // refresh tokens are self-contained (encrypted), which is enough for development.
            options.EnableDegradedMode();
            options.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler =>
                handler.UseInlineHandler(context =>
                {
                    var request = context.Request;
                    var allowed = context.ClientId switch
                    {
                        CliClientId => request.IsPasswordGrantType() || request.IsRefreshTokenGrantType(),
                        WebClientId => request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType(),
                        _ => false,
                    };
                    if (!allowed)
                    {
                        context.Reject(OidcErrors.InvalidClient, $"Use client '{CliClientId}' with the password grant or '{WebClientId}' with authorization code + PKCE.");
                    }

                    return default;
                }));
            options.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(handler =>
                handler.UseInlineHandler(context =>
                {
                    if (context.ClientId != WebClientId)
                    {
                        context.Reject(OidcErrors.InvalidClient, $"Only '{WebClientId}' signs in through the browser.");
                    }
                    else if (!IsAllowedRedirect(context.RedirectUri, origins))
                    {
                        context.Reject(OidcErrors.InvalidRequest, "The redirect_uri is not on an origin this issuer serves.");
                    }

                    return default;
                }));
            options.AddEventHandler<OpenIddictServerEvents.ValidateEndSessionRequestContext>(handler =>
                handler.UseInlineHandler(context =>
                {
                    if (context.PostLogoutRedirectUri is { } uri && !IsAllowedRedirect(uri, origins))
                    {
                        context.Reject(OidcErrors.InvalidRequest, "The post_logout_redirect_uri is not on an origin this issuer serves.");
                    }

                    return default;
                }));

            options.UseAspNetCore()
                .EnableTokenEndpointPassthrough()
                .EnableAuthorizationEndpointPassthrough()
                .EnableEndSessionEndpointPassthrough()
                .DisableTransportSecurityRequirement()
                .SuppressJsonResponseIndentation();
        });
    }

    public static void MapEmbeddedIssuer(this WebApplication app)
    {
        app.MapPost("/connect/token", Token).AllowAnonymous().ExcludeFromDescription();
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], Authorize).AllowAnonymous().ExcludeFromDescription();
        app.MapMethods("/connect/logout", [HttpMethods.Get, HttpMethods.Post], (Delegate)Logout).AllowAnonymous().ExcludeFromDescription();
        app.MapGet(LoginPath, (HttpContext http, string? returnUrl) => LoginPage.Render(http, returnUrl, error: null)).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(LoginPath, Login).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
    }

    private static async Task<IResult> Token(HttpContext http, Microsoft.Extensions.Options.IOptions<IdentityOptions> options, TokenRequestLimits limits)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var identity = options.Value;

        if (request.IsPasswordGrantType())
        {
            if (limits.Check(http, request.Username) is { } tooMany)
            {
                return tooMany;
            }

            if (!ValidUsername(request.Username) || !PasswordMatches(request.Password, identity.CliPassword))
            {
                return Rejected(OidcErrors.InvalidGrant, "Unknown username or wrong password.");
            }

            return SignIn(UserPrincipal(request.Username!, identity, request.GetScopes()));
        }

        // A code or a refresh token was validated by OpenIddict; issue fresh tokens from the
        // username it carries, so that a changed role list takes effect on renewal.
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var username = result.Principal?.GetClaim(Claims.PreferredUsername);
        if (username is null)
        {
            return Rejected(OidcErrors.InvalidGrant, "The code or refresh token is no longer valid.");
        }

        return SignIn(UserPrincipal(username, identity, result.Principal!.GetScopes()));
    }

    private static async Task<IResult> Authorize(HttpContext http, Microsoft.Extensions.Options.IOptions<IdentityOptions> options)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var login = await http.AuthenticateAsync(LoginScheme);
        if (!login.Succeeded || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Results.Forbid(
                    new AuthenticationProperties(new Dictionary<string, string?>
                    {
                        [OpenIddictServerAspNetCoreConstants.Properties.Error] = OidcErrors.LoginRequired,
                        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The user is not signed in.",
                    }),
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            // Back to this same request once signed in, without prompt=login (or it would loop).
            var parameters = (HttpMethods.IsGet(http.Request.Method) ? http.Request.Query.AsEnumerable() : (await http.Request.ReadFormAsync()).AsEnumerable())
                .Where(p => p.Key != Parameters.Prompt)
                .SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v)));
            var returnUrl = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [LoginScheme]);
        }

        var username = login.Principal!.GetClaim(Claims.PreferredUsername)!;
        return SignIn(UserPrincipal(username, options.Value, request.GetScopes()));
    }

    private static async Task<IResult> Logout(HttpContext http)
    {
        await http.SignOutAsync(LoginScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static async Task<IResult> Login(HttpContext http, Microsoft.Extensions.Options.IOptions<IdentityOptions> options, TokenRequestLimits limits)
    {
        var form = await http.Request.ReadFormAsync();
        var username = form["username"].ToString().Trim();
        var returnUrl = form["returnUrl"].ToString();
        if (limits.Check(http, username) is { } tooMany)
        {
            return tooMany;
        }

        if (!await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
        {
            return LoginPage.Render(http, returnUrl, "The form expired or came from another site: sign in again.", username);
        }

        if (!ValidUsername(username) || !PasswordMatches(form["password"], options.Value.CliPassword))
        {
            return LoginPage.Render(http, returnUrl, "Unknown username or wrong password.", username);
        }

        var identity = new ClaimsIdentity(LoginScheme, Claims.PreferredUsername, Claims.Role);
        identity.AddClaim(new Claim(Claims.PreferredUsername, Normalize(username)));
        await http.SignInAsync(LoginScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl : "/");
    }

    /// <summary>
    /// A user as Keycloak would describe them. The subject is derived from the username, so the
    /// same name is the same user across restarts, as a Keycloak account's id would be.
    /// </summary>
    private static ClaimsPrincipal UserPrincipal(string username, IdentityOptions options, IEnumerable<string> scopes)
    {
        var name = Normalize(username);
        var roles = options.Embedded.Admins.Contains(name, StringComparer.OrdinalIgnoreCase)
            ? new[] { Roles.User, Roles.Admin }
            : [Roles.User];

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.PreferredUsername, Claims.Role);
        identity.SetClaim(Claims.Subject, SubjectOf(name))
            .SetClaim(Claims.PreferredUsername, name)
            .SetClaim(Claims.Name, username.Trim())
            .SetClaim("typ", "Bearer")
            .SetClaim("realm_access", JsonSerializer.SerializeToElement(new Dictionary<string, string[]> { ["roles"] = roles }));
        if (!string.IsNullOrWhiteSpace(options.Embedded.EmailDomain))
        {
            identity.SetClaim(Claims.Email, $"{name}@{options.Embedded.EmailDomain}");
        }

        identity.SetScopes(scopes);
        identity.SetResources(options.Audience);
        identity.SetDestinations(claim => claim.Type is Claims.Name or Claims.PreferredUsername
            ? [Destinations.AccessToken, Destinations.IdentityToken]
            : [Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }

    private static IResult SignIn(ClaimsPrincipal principal) =>
        Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    private static IResult Rejected(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static string Normalize(string username) => username.Trim().ToLowerInvariant();

    private static string SubjectOf(string normalizedUsername) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes("petitchat-embedded:" + normalizedUsername)).AsSpan(0, 16)).ToString();

    private static bool ValidUsername(string? username)
    {
        var trimmed = username?.Trim();
        return !string.IsNullOrEmpty(trimmed) && trimmed.Length <= MaxUsernameLength
            && trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');
    }

    private static bool PasswordMatches(string? given, string expected) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    private static bool IsAllowedRedirect(string? uri, HashSet<string> origins) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && origins.Contains(parsed.GetLeftPart(UriPartial.Authority));

    private static bool IsLocal(string url) =>
        url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
