using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using PetitChat.Core.Events;
using PetitChat.Core.Notifications;

namespace PetitChat.Server.Errors;

/// <summary>
/// The event bus (NATS) did not take a change's live events, or cannot open a live stream: 503
/// with Retry-After. A write that got here is saved; its members are sent a reset once the bus
/// is back, so their clients refetch. Retrying a send with the same clientId returns the saved
/// signal, never a second one. A send whose pushes the notification queue did not take answers
/// the same way (its live events went out): the retry queues them.
/// </summary>
public sealed class EventBusExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is NotificationQueueUnavailableException)
        {
            return await WriteAsync(httpContext, exception, "Push notifications are unavailable.",
                "The message was saved and sent live, but the notification queue did not take its pushes; " +
                "retrying the send with the same clientId returns the saved signal and queues them.", saved: true);
        }

        if (exception is not EventBusUnavailableException)
        {
            return false;
        }

        var opening = HttpMethods.IsGet(httpContext.Request.Method);
        return await WriteAsync(httpContext, exception, "Live delivery is unavailable.", opening
            ? "The live stream cannot start while the event bus is unreachable; retry with the same Last-Event-ID."
            : "The change was saved, but the event bus did not take its live events. Members get a reset event " +
              "once the bus is back, so their clients refetch; retrying a send with the same clientId returns the saved signal.",
            saved: !opening);
    }

    private async ValueTask<bool> WriteAsync(HttpContext httpContext, Exception exception, string title, string detail, bool saved)
    {
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = title,
                Detail = detail,
                Extensions = { ["saved"] = saved },
            },
        });
    }
}
