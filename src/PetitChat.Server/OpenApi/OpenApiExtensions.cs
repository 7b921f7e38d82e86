using Scalar.AspNetCore;

namespace PetitChat.Server.OpenApi;

/// <summary>
/// The API described by the framework itself (Microsoft.AspNetCore.OpenApi, OpenAPI 3.1) from the
/// endpoints' typed results, at <see cref="DocumentPath"/>, with Scalar's interactive reference at
/// <c>/api/docs</c>. docs/api.md stays the prose of record; a test checks both list every endpoint.
/// </summary>
public static class OpenApiExtensions
{
    public const string DocumentPath = "/api/openapi/v1.json";

    public static WebApplicationBuilder AddPetitChatOpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Petit chat API";
            document.Info.Description = "Every call needs a bearer token (the live stream also takes a ticket); errors are RFC 7807 problem documents.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static WebApplication MapPetitChatOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/api/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api/docs", options => options
            .WithTitle("Petit chat API")
            .WithOpenApiRoutePattern("/api/openapi/{documentName}.json")).AllowAnonymous();
        return app;
    }

    /// <summary>The problem documents any call of the group may answer, besides those its handler declares.</summary>
    public static RouteGroupBuilder WithProblemResponses(this RouteGroupBuilder group)
    {
        group.ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }
}
