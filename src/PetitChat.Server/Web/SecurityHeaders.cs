using Microsoft.Extensions.Options;
using PetitChat.Server.Calls;
using PetitChat.Server.Identity;

namespace PetitChat.Server.Web;

/// <summary>
/// Headers that keep the web client and the login page from being framed by another site
/// (clickjacking) or running script that is not the app's own: a Content-Security-Policy with
/// scripts from this origin only, and frames from this origin only (the OIDC silent renew frames
/// the issuer, which is this origin or <c>Identity:Authority</c>). Not on <c>/api</c>: JSON is not
/// rendered, downloads carry their own sandboxing policy, and the API reference has its own scripts.
/// The configured Jitsi Meet server (<c>Calls:Jitsi:Domain</c>) may serve its IFrame API script and
/// the conference frame: calls open in the page.
/// </summary>
public static class SecurityHeaders
{
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        var identity = app.Services.GetRequiredService<IOptions<IdentityOptions>>().Value;
        var others = identity.Embedded.WebOrigins.Select(Origin).ToList();
        if (!identity.UsesEmbeddedIssuer)
        {
            others.Add(Origin(identity.Authority!));
        }

        var extra = others.Count == 0 ? "" : " " + string.Join(' ', others.Distinct(StringComparer.OrdinalIgnoreCase));
        var jitsi = " https://" + app.Services.GetRequiredService<IOptions<JitsiOptions>>().Value.Domain;
        var policy = $"default-src 'self'; script-src 'self'{jitsi}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
            $"connect-src 'self'{extra}; frame-src 'self'{extra}{jitsi}; form-action 'self'{extra}; frame-ancestors 'self'; " +
            "object-src 'none'; base-uri 'none'";
        app.Use((context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api"))
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = policy;
                headers.XFrameOptions = "SAMEORIGIN";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
            }

            return next(context);
        });
        return app;
    }

    private static string Origin(string url) => new Uri(url).GetLeftPart(UriPartial.Authority);
}
