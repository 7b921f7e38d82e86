using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using PetitChat.Server.Identity;

namespace PetitChat.Server.Web;

/// <summary>
/// Hosts the web client: its files, <c>/config.json</c> telling it which issuer to sign in with,
/// and index.html for every other browser path so that the app's own URLs (<c>/callback</c>)
/// load it.
/// </summary>
public static class WebClientExtensions
{
    // Paths that belong to the API or the issuer: an unknown one there is a 404, never the app.
    private static readonly string[] ServerPaths = ["/api", "/connect", "/.well-known", "/account"];

    public static WebApplicationBuilder AddPetitChatWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebClientOptions>().BindConfiguration("Web")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Root) && !string.IsNullOrWhiteSpace(o.ClientId), "Web needs a Root and a ClientId.")
            .ValidateOnStart();
        return builder;
    }

    /// <summary>The app's files, before authentication so that they cost no token check.</summary>
    public static WebApplication UsePetitChatWebFiles(this WebApplication app)
    {
        var root = Root(app);
        if (File.Exists(Path.Combine(root, "index.html")))
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(root),
                OnPrepareResponse = context =>
                {
                    // Vite puts a content hash in every asset's name: those never change.
                    var immutable = context.Context.Request.Path.StartsWithSegments("/assets");
                    context.Context.Response.Headers.CacheControl = immutable ? "public, max-age=31536000, immutable" : "no-cache";
                },
            });
        }
        else
        {
            app.Logger.LogWarning("The web client is not built ({Root} has no index.html): run `npm ci && npm run build` in web/, or build the server with npm installed.", root);
        }

        return app;
    }

    /// <summary><c>/config.json</c>, and index.html for the app's own paths.</summary>
    public static WebApplication MapPetitChatWeb(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<WebClientOptions>>().Value;
        var index = Path.Combine(Root(app), "index.html");
        var hints = new ApiRouteHints(app.Services.GetRequiredService<EndpointDataSource>());

        app.MapGet("/config.json", (IOptions<IdentityOptions> identity, IOptions<OpenIddictServerOptions> issuer) =>
        {
            var embedded = identity.Value.UsesEmbeddedIssuer;
            var authority = embedded ? issuer.Value.Issuer!.AbsoluteUri.TrimEnd('/') : identity.Value.Authority!.TrimEnd('/');
            var scope = options.Scope ?? (embedded ? "openid profile offline_access" : "openid profile");
            return TypedResults.Ok(new WebClientConfig(authority, options.ClientId, scope, embedded));
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapFallback(async context =>
        {
            var path = context.Request.Path;
            if (ServerPaths.Any(p => path.StartsWithSegments(p)) || !HttpMethods.IsGet(context.Request.Method))
            {
                await NoEndpoint(context, hints).ExecuteAsync(context);
                return;
            }

            context.Response.Headers.CacheControl = "no-cache";
            if (File.Exists(index))
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.SendFileAsync(index, context.RequestAborted);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync(
                "The web client is not built. Install Node.js and npm, then build the server again " +
                "(it builds web/ when npm is there), or run `npm ci && npm run build` in web/.", context.RequestAborted);
        }).AllowAnonymous();

        return app;
    }

    private static IResult NoEndpoint(HttpContext context, ApiRouteHints hints)
    {
        var request = context.Request;
        var (methods, contentTypes) = hints.For(request.Path, request.Method);
        if (methods.Count > 0 && !methods.Contains(request.Method, StringComparer.OrdinalIgnoreCase))
        {
            context.Response.Headers.Allow = string.Join(", ", methods);
            return Results.Problem(statusCode: StatusCodes.Status405MethodNotAllowed, title: "Method not allowed.",
                detail: $"{request.Method} is not a method of {request.Path}; it takes {string.Join(", ", methods)}.");
        }

        if (methods.Count > 0 && contentTypes.Count > 0)
        {
            var sent = string.IsNullOrEmpty(request.ContentType) ? "no Content-Type" : $"Content-Type {request.ContentType}";
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.",
                detail: $"This call reads a body of type {string.Join(" or ", contentTypes)}; the request has {sent}.");
        }

        return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.",
            detail: "No such endpoint; the HTTP API is under /api/v1.");
    }

    private static string Root(WebApplication app)
    {
        var root = app.Services.GetRequiredService<IOptions<WebClientOptions>>().Value.Root;
        return Path.GetFullPath(Path.IsPathRooted(root) ? root : Path.Combine(AppContext.BaseDirectory, root));
    }
}
