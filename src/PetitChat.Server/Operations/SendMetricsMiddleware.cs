using System.Diagnostics;
using PetitChat.Core.Telemetry;

namespace PetitChat.Server.Operations;

/// <summary>
/// Counts sends and times them, from outside the send endpoint: a POST to the signals route
/// answered 201 stored a new signal, 200 returned the one a repeated clientId had stored.
/// </summary>
internal sealed class SendMetricsMiddleware(RequestDelegate next)
{
    private const string SendRoute = "/api/v1/chats/{chatId:guid}/signals/";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText != SendRoute)
        {
            await next(context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        await next(context);
        var status = context.Response.StatusCode;
        if (status is StatusCodes.Status201Created or StatusCodes.Status200OK)
        {
            ChatMetrics.SignalSent(Stopwatch.GetElapsedTime(started), created: status == StatusCodes.Status201Created);
        }
    }
}
