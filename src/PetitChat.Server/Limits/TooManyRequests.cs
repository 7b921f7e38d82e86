using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PetitChat.Server.Limits;

/// <summary>The one way a refused request is answered: 429, <c>Retry-After</c> in seconds, a problem document.</summary>
public static class TooManyRequests
{
    public static TimeSpan RetryAfterOf(RateLimitLease lease, TimeSpan fallback) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : fallback;

    public static async Task WriteAsync(HttpContext context, TimeSpan retryAfter, string what)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        // As a result: it falls back to plain JSON when the client's Accept names no JSON type
        // (IProblemDetailsService.WriteAsync would throw there, a 500 instead of the 429).
        await TypedResults.Problem($"Too many {what}; try again in {seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.").ExecuteAsync(context);
    }

    /// <summary>The same answer as an endpoint result, for limits checked inside a handler.</summary>
    public static ProblemHttpResult Result(HttpResponse response, TimeSpan retryAfter, string what)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem($"Too many {what}; try again in {seconds} s.", statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.");
    }
}
