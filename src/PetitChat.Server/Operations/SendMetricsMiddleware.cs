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

    // Not async for other requests: an idle event stream would hold this method's awaiting state for its whole life.
    public Task InvokeAsync(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText == SendRoute
            ? TimeSendAsync(context)
            : next(context);

    private async Task TimeSendAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        await next(context);
        var status = context.Response.StatusCode;
        if (status is StatusCodes.Status201Created or StatusCodes.Status200OK)
        {
            ChatMetrics.SignalSent(Stopwatch.GetElapsedTime(started), created: status == StatusCodes.Status201Created);
        }
    }
}
