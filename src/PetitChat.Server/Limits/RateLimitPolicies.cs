using Microsoft.AspNetCore.Http.Features.Authentication;

namespace PetitChat.Server.Limits;

/// <summary>Names of the rate-limiting policies that endpoints ask for with <c>RequireRateLimiting</c>.</summary>
public static class RateLimitPolicies
{
    public const string Sends = "sends";
    public const string Uploads = "uploads";
    public const string Searches = "searches";
    public const string Tickets = "tickets";
    public const string UserSearch = "user-search";
    public const string PushSubscriptions = "push-subscriptions";

    /// <summary>The caller's partition: its user (<c>sub</c>) when signed in, else its address.</summary>
    /// <remarks>
    /// The principal from the feature rather than HttpContext.User, which would make an empty one
    /// for an anonymous request and keep it for the request's life (an event stream's: hours).
    /// </remarks>
    public static string PartitionOf(HttpContext context) =>
        context.Features.Get<IHttpAuthenticationFeature>()?.User is { } user && user.FindFirst("sub")?.Value is { } subject && user.Identity?.IsAuthenticated == true
            ? "user:" + subject
            : "address:" + AddressOf(context);

    public static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
