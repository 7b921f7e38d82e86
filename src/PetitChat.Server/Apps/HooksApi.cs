using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Apps;
using PetitChat.Server.Errors;
using PetitChat.Server.Signals;

namespace PetitChat.Server.Apps;

public static class HooksApi
{
    /// <summary>Bodies posted to hooks are small JSON documents.</summary>
    private const long MaxBody = 64 * 1024;

    /// <summary>
    /// The urls outsiders post to, without a bearer token (the url's secret is the credential):
    /// incoming webhooks and commands' response urls. A wrong id or token is a 404 either way.
    /// </summary>
    public static WebApplication MapAppHooks(this WebApplication app)
    {
        var hooks = app.MapGroup("/hooks").AllowAnonymous().WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBody));

        hooks.MapPost("/{webhookId:guid}/{token}", async Task<Results<Created<SignalDto>, Ok<SignalDto>, ProblemHttpResult>> (
            Guid webhookId, string token, WebhookPostRequest request, IncomingWebhookService service, IncomingWebhookLimiter limiter, HttpContext context,
            CancellationToken ct) =>
        {
            if (await service.AuthenticateAsync(webhookId, token, ct) is not { } webhook)
            {
                return TypedResults.Problem("No such webhook.", statusCode: StatusCodes.Status404NotFound, title: "Not found.");
            }

            if (!await limiter.TryAcquireAsync(webhook.Id, ct))
            {
                context.Response.Headers.RetryAfter = "60";
                return TypedResults.Problem("This webhook posted too often; Apps:IncomingRatePerMinute sets how often it may.",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.");
            }

            var post = new WebhookPost(request.Text, request.Attachments?.Select(a => new WebhookAttachment(a?.Title, a?.Text, a?.Url)).ToList());
            var sent = await service.PostAsync(webhook, post, ct);
            return sent.Succeeded
                ? TypedResults.Created($"/api/v1/chats/{webhook.ChatId}/signals?around={sent.Value.Signal.Signal.Id}", SignalDto.From(sent.Value.Signal.Signal))
                : sent.Failure.ToProblem();
        });

        hooks.MapPost("/apps/{appId:guid}/responses/{token}", async Task<Results<Ok<CommandResultDto>, ProblemHttpResult>> (
            Guid appId, string token, CommandAnswerRequest request, IAppStore apps, AppCommands commands, TimeProvider time, CancellationToken ct) =>
        {
            if (await apps.GetAppAsync(appId, ct) is not { } found || ResponseUrls.Check(found, token, time.GetUtcNow()) is not { } target)
            {
                return TypedResults.Problem("No such response url, or it expired.", statusCode: StatusCodes.Status404NotFound, title: "Not found.");
            }

            var answered = await commands.AnswerAsync(found, target, request, tellCaller: true, ct);
            return answered.Succeeded ? TypedResults.Ok(answered.Value) : answered.Failure.ToProblem();
        });

        return app;
    }
}
