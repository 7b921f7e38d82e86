using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using PetitChat.Core.Paging;
using PetitChat.Core.Search;

namespace PetitChat.Server.Errors;

/// <summary>
/// Turns the framework's binding failures (malformed JSON, a wrong type, a bad query value) and
/// cursors the store did not issue into a 400 problem document that names the field, instead
/// of an empty 400 or a 500; and a search engine that is down into a 503.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is InvalidCursorException cursor)
        {
            return await WriteAsync(httpContext, exception, StatusCodes.Status400BadRequest, "cursor", cursor.Message);
        }

        if (exception is SearchUnavailableException)
        {
            // The engine's message may name hosts; the log has it, the client gets the gist.
            httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Search is unavailable right now.",
                    Detail = "The search engine did not answer; try again shortly. Sending messages is not affected.",
                },
                Exception = exception,
            });
        }

        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var field = FieldOf(badRequest);
        var detail = badRequest.InnerException is JsonException json ? $"{field}: {FirstLine(json.Message)}" : badRequest.Message;
        return await WriteAsync(httpContext, exception, badRequest.StatusCode, field, detail);
    }

    private async ValueTask<bool> WriteAsync(HttpContext httpContext, Exception exception, int status, string? field, string detail)
    {
        var details = new HttpValidationProblemDetails
        {
            Status = status,
            Title = status == StatusCodes.Status413PayloadTooLarge ? "The request is too large." : "The request is invalid.",
            Detail = detail,
        };
        if (field is not null)
        {
            details.Errors[field] = [detail];
        }

        httpContext.Response.StatusCode = status;
        if (!await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = details,
            Exception = exception,
        }))
        {
            // No writer takes the client's Accept (text/html, application/xml...): the problem as plain
            // JSON all the same, so the bad request stays handled (a 400, not an error in the log).
            await TypedResults.Problem(details).ExecuteAsync(httpContext);
        }

        return true;
    }

    private static string? FieldOf(BadHttpRequestException exception)
    {
        if (exception.InnerException is JsonException { Path: { Length: > 2 } path })
        {
            return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        }

        // "Failed to bind parameter "Guid before" from "x"." names the parameter after its type.
        var message = exception.Message;
        var start = message.IndexOf('"', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('"', start + 1);
        if (end > start)
        {
            var parameter = message[(start + 1)..end];
            var space = parameter.LastIndexOf(' ');
            return space >= 0 ? parameter[(space + 1)..] : parameter;
        }

        return null;
    }

    private static string FirstLine(string message)
    {
        var dot = message.IndexOf(". Path:", StringComparison.Ordinal);
        return dot > 0 ? message[..(dot + 1)] : message;
    }
}
