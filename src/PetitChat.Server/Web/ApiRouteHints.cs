using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Template;

namespace PetitChat.Server.Web;

/// <summary>
/// Says why no endpoint took a call to a server path. Routing hands a call whose method or body
/// type no endpoint accepts to the fallback, which alone would answer "no such endpoint" to a
/// <c>DELETE /api/v1/me</c> or to a send posted as form data; a client's author needs 405 (with
/// <c>Allow</c>) or 415 (with the types the endpoint reads) to see the mistake.
/// </summary>
internal sealed class ApiRouteHints(EndpointDataSource endpoints)
{
    private readonly Lazy<Route[]> _routes = new(() => Build(endpoints));

    /// <summary>What the endpoints at this path accept; empty methods when no endpoint is there.</summary>
    public (IReadOnlyList<string> Methods, IReadOnlyList<string> ContentTypes) For(PathString path, string method)
    {
        var methods = new List<string>();
        var contentTypes = new List<string>();
        foreach (var route in _routes.Value)
        {
            if (!route.Matcher.TryMatch(path, [])) continue;
            foreach (var allowed in route.Methods)
            {
                if (!methods.Contains(allowed, StringComparer.OrdinalIgnoreCase)) methods.Add(allowed);
            }

            if (route.Methods.Contains(method, StringComparer.OrdinalIgnoreCase))
            {
                contentTypes.AddRange(route.ContentTypes.Except(contentTypes, StringComparer.OrdinalIgnoreCase));
            }
        }

        return (methods, contentTypes);
    }

    private static Route[] Build(EndpointDataSource endpoints) =>
        endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.Contains("{*", StringComparison.Ordinal))
            .Select(e => new Route(
                new TemplateMatcher(new RouteTemplate(e.RoutePattern), new RouteValueDictionary(e.RoutePattern.Defaults)),
                e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [],
                e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? []))
            .Where(r => r.Methods.Count > 0)
            .ToArray();

    private sealed record Route(TemplateMatcher Matcher, IReadOnlyList<string> Methods, IReadOnlyList<string> ContentTypes);
}
