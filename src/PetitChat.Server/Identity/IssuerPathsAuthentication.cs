using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace PetitChat.Server.Identity;

/// <summary>
/// <c>UseAuthentication()</c>, with the embedded issuer's OpenIddict server asked only on its own
/// endpoints' paths. OpenIddict's server is an <see cref="IAuthenticationRequestHandler"/>, and the
/// framework's middleware asks every such handler, on every request, whether the request is one of
/// its endpoints: OpenIddict resolves its handlers, builds the request's absolute URI and compares it
/// with each endpoint's, a fifth of the server's CPU for a bare request and about 4 % of a send
/// (docs/decisions/0014, 2026-12-01). Elsewhere this does what the framework's middleware does after
/// that question: the default scheme (the bearer token) authenticates the request. With an external
/// authority (Keycloak) there is no request handler, and the framework's middleware runs unchanged.
/// </summary>
internal sealed class IssuerPathsAuthentication(RequestDelegate next, IAuthenticationSchemeProvider schemes, IOptions<OpenIddictServerOptions> issuer)
{
    private readonly AuthenticationMiddleware _everyHandler = new(next, schemes);
    private readonly PathString[] _issuerPaths = PathsOf(issuer.Value);

    /// <summary>Not async past the authentication: an event stream would hold this method's state for its whole life.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        if (IsIssuerPath(context.Request.Path))
        {
            return _everyHandler.Invoke(context);
        }

        context.Features.Set<IAuthenticationFeature>(new AuthenticationFeature
        {
            OriginalPath = context.Request.Path,
            OriginalPathBase = context.Request.PathBase,
        });
        var authenticating = AuthenticateAsync(context);
        if (authenticating.IsCompletedSuccessfully)
        {
            Use(context, authenticating.Result);
            return next(context);
        }

        return AuthenticatedAsync(context, authenticating);
    }

    /// <summary>The paths of every endpoint the issuer's options name (token, authorize, logout, discovery, keys, and any added later).</summary>
    internal static PathString[] PathsOf(OpenIddictServerOptions options)
    {
        var baseUri = options.Issuer ?? new Uri("http://localhost/");
        return
        [
            .. new[]
            {
                options.AuthorizationEndpointUris, options.ConfigurationEndpointUris, options.DeviceAuthorizationEndpointUris,
                options.EndSessionEndpointUris, options.IntrospectionEndpointUris, options.JsonWebKeySetEndpointUris,
                options.PushedAuthorizationEndpointUris, options.RevocationEndpointUris, options.TokenEndpointUris,
                options.UserInfoEndpointUris, options.EndUserVerificationEndpointUris,
            }
            .SelectMany(uris => uris)
            .Select(uri => new PathString((uri.IsAbsoluteUri ? uri : new Uri(baseUri, uri)).AbsolutePath.TrimEnd('/')))
            .Distinct(),
        ];
    }

    private bool IsIssuerPath(PathString path)
    {
        foreach (var issuerPath in _issuerPaths)
        {
            if (path.StartsWithSegments(issuerPath, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<AuthenticateResult?> AuthenticateAsync(HttpContext context) =>
        await schemes.GetDefaultAuthenticateSchemeAsync() is { } scheme ? await context.AuthenticateAsync(scheme.Name) : null;

    private async Task AuthenticatedAsync(HttpContext context, ValueTask<AuthenticateResult?> authenticating)
    {
        Use(context, await authenticating);
        await next(context);
    }

    /// <summary>As the framework's middleware: the principal becomes the request's user, and a success is kept for authorization.</summary>
    private static void Use(HttpContext context, AuthenticateResult? result)
    {
        if (result?.Principal is { } principal)
        {
            context.User = principal;
        }

        if (result?.Succeeded == true)
        {
            var features = new Authenticated(result);
            context.Features.Set<IHttpAuthenticationFeature>(features);
            context.Features.Set<IAuthenticateResultFeature>(features);
        }
    }

    /// <summary>The framework's own (internal) AuthenticationFeatures: the result and the user, kept in step.</summary>
    private sealed class Authenticated(AuthenticateResult result) : IAuthenticateResultFeature, IHttpAuthenticationFeature
    {
        private AuthenticateResult? _result = result;
        private System.Security.Claims.ClaimsPrincipal? _user = result.Principal;

        public AuthenticateResult? AuthenticateResult
        {
            get => _result;
            set
            {
                _result = value;
                _user = value?.Principal;
            }
        }

        public System.Security.Claims.ClaimsPrincipal? User
        {
            get => _user;
            set
            {
                _user = value;
                _result = null;
            }
        }
    }
}
