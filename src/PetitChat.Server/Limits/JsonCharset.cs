using Microsoft.Net.Http.Headers;

namespace PetitChat.Server.Limits;

/// <summary>
/// JSON bodies are UTF-8 (RFC 8259). A JSON content type naming another charset (the fuzzer sent
/// <c>utf-7</c>) made the framework's reader throw, a 500; it is refused here with 415 instead,
/// whatever the client accepts.
/// </summary>
public static class JsonCharset
{
    public static WebApplication UseUtf8JsonOnly(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
                && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
                && type.Charset.HasValue
                && !type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !type.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            {
                // A problem result, not IProblemDetailsService.WriteAsync: that throws (a 500) when the
                // client's Accept names no JSON type; the result falls back to writing it anyway.
                await TypedResults.Problem(
                    "JSON bodies are UTF-8: send Content-Type: application/json (charset=utf-8 or none).",
                    statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        return app;
    }
}
