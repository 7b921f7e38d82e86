using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using PetitChat.Core.Events;

namespace PetitChat.Server.Errors;

/// <summary>
/// The event bus (NATS) did not take a change's live events, or cannot open a live stream: 503
/// with Retry-After. A write that got here is saved; its members are sent a reset once the bus
/// is back, so their clients refetch. Retrying a send with the same clientId returns the saved
/// signal, never a second one.
/// </summary>
public sealed class EventBusExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not EventBusUnavailableException)
        {
            return false;
        }

        var opening = HttpMethods.IsGet(httpContext.Request.Method);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Live delivery is unavailable.",
                Detail = opening
                    ? "The live stream cannot start while the event bus is unreachable; retry with the same Last-Event-ID."
                    : "The change was saved, but the event bus did not take its live events. Members get a reset event " +
                      "once the bus is back, so their clients refetch; retrying a send with the same clientId returns the saved signal.",
                Extensions = { ["saved"] = !opening },
            },
        });
    }
}
