using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace PetitChat.Server.Errors;

/// <summary>
/// Turns the framework's binding failures (malformed JSON, a wrong type, a bad query value)
/// into a 400 problem document that names the field, instead of an empty 400.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var status = badRequest.StatusCode;
        var field = FieldOf(badRequest);
        var details = new HttpValidationProblemDetails
        {
            Status = status,
            Title = status == StatusCodes.Status413PayloadTooLarge ? "The request is too large." : "The request is invalid.",
            Detail = badRequest.InnerException is JsonException json ? $"{field}: {FirstLine(json.Message)}" : badRequest.Message,
        };
        if (field is not null)
        {
            details.Errors[field] = [details.Detail];
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = details,
            Exception = exception,
        });
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
