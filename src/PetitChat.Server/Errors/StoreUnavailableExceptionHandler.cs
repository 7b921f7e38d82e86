using Microsoft.AspNetCore.Diagnostics;
using PetitChat.Core.Storage;

namespace PetitChat.Server.Errors;

/// <summary>
/// The store's engine is down or overloaded after the retries that were safe: a 503 problem
/// document with Retry-After, so clients back off and retry instead of seeing a bare 500. Every
/// store write is safe to repeat, and a send repeats with its client id.
/// </summary>
public sealed class StoreUnavailableExceptionHandler(IProblemDetailsService problems, ILogger<StoreUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not StoreUnavailableException)
        {
            return false;
        }

        logger.LogWarning(exception, "The store is unavailable for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The store is unavailable.",
                Detail = "The database did not answer in time; retry the request. A send repeated with the same clientId is not duplicated.",
            },
            Exception = exception,
        });
    }
}
