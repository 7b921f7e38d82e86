using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Apps;
using PetitChat.Core.Common;
using PetitChat.Core.Storage;
using PetitChat.Infrastructure.Notifications;
using PetitChat.Server.Errors;
using PetitChat.Server.Users;

namespace PetitChat.Server.Apps;

public static class AppsApi
{
    /// <summary>Apps (administrators), a chat's incoming webhooks and its commands, under <c>/api/v1</c>.</summary>
    public static RouteGroupBuilder MapApps(this RouteGroupBuilder api)
    {
        var apps = api.MapGroup("/apps");

        apps.MapPost("/", async Task<Results<Created<AppDto>, ProblemHttpResult>> (
            AppRequest request, Caller caller, AppService service, OutboundHttp outbound, IChatStore store, CancellationToken ct) =>
        {
            if (request.Url is { } url && outbound.CheckUrl(url) is { } refused)
            {
                return new Invalid("url", $"url {refused}.").ToProblem();
            }

            var commands = request.Commands?.Select(c => new AppCommand(c?.Name ?? "", c?.Description ?? "")).ToList();
            var registered = await service.RegisterAsync(caller.User, new AppRegistration(request.Name, request.Url, request.Events, commands), ct);
            if (!registered.Succeeded)
            {
                return registered.Failure.ToProblem();
            }

            var (app, token) = registered.Value;
            return TypedResults.Created($"/api/v1/apps/{app.Id}", AppDto.From(app, await store.GetUserAsync(app.BotUserId, ct), token, withSecret: true));
        });

        apps.MapGet("/", async Task<Results<Ok<ItemsDto<AppDto>>, ProblemHttpResult>> (Caller caller, AppService service, IChatStore store, CancellationToken ct) =>
        {
            var list = await service.ListAsync(caller.User, ct);
            if (!list.Succeeded)
            {
                return list.Failure.ToProblem();
            }

            var bots = (await store.GetUsersAsync([.. list.Value.Select(a => a.BotUserId)], ct)).ToDictionary(u => u.Id);
            return TypedResults.Ok(new ItemsDto<AppDto>([.. list.Value.Select(a => AppDto.From(a, bots.GetValueOrDefault(a.BotUserId)))], null));
        });

        apps.MapGet("/{appId:guid}", async Task<Results<Ok<AppDto>, ProblemHttpResult>> (
            Guid appId, Caller caller, AppService service, IChatStore store, CancellationToken ct) =>
        {
            var found = await service.GetAsync(caller.User, appId, ct);
            return found.Succeeded
                ? TypedResults.Ok(AppDto.From(found.Value, await store.GetUserAsync(found.Value.BotUserId, ct)))
                : found.Failure.ToProblem();
        });

        apps.MapDelete("/{appId:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid appId, Caller caller, AppService service, CancellationToken ct) =>
        {
            var deleted = await service.DeleteAsync(caller.User, appId, ct);
            return deleted.Succeeded ? TypedResults.NoContent() : deleted.Failure.ToProblem();
        });

        apps.MapPost("/{appId:guid}/token", async Task<Results<Ok<AppDto>, ProblemHttpResult>> (
            Guid appId, Caller caller, AppService service, IChatStore store, CancellationToken ct) =>
        {
            var rotated = await service.RotateTokenAsync(caller.User, appId, ct);
            return rotated.Succeeded
                ? TypedResults.Ok(AppDto.From(rotated.Value.App, await store.GetUserAsync(rotated.Value.App.BotUserId, ct), rotated.Value.BotToken))
                : rotated.Failure.ToProblem();
        });

        apps.MapDelete("/{appId:guid}/token", async Task<Results<NoContent, ProblemHttpResult>> (
            Guid appId, Caller caller, AppService service, CancellationToken ct) =>
        {
            var revoked = await service.RevokeTokenAsync(caller.User, appId, ct);
            return revoked.Succeeded ? TypedResults.NoContent() : revoked.Failure.ToProblem();
        });

        apps.MapGet("/{appId:guid}/deliveries", async Task<Results<Ok<ItemsDto<DeliveryDto>>, ProblemHttpResult>> (
            Guid appId, string? status, Guid? cursor, int? limit, Caller caller, AppService service, CancellationToken ct) =>
        {
            AppDeliveryStatus? wanted = status switch
            {
                null or "" => null,
                "pending" => AppDeliveryStatus.Pending,
                "delivered" => AppDeliveryStatus.Delivered,
                "failed" => AppDeliveryStatus.Failed,
                _ => (AppDeliveryStatus)(-1),
            };
            if (wanted is (AppDeliveryStatus)(-1))
            {
                return new Invalid("status", "status is pending, delivered or failed.").ToProblem();
            }

            var size = limit ?? 50;
            var list = await service.ListDeliveriesAsync(caller.User, appId, wanted, cursor, limit, ct);
            return list.Succeeded
                ? TypedResults.Ok(new ItemsDto<DeliveryDto>([.. list.Value.Select(DeliveryDto.From)],
                    list.Value.Count == size ? list.Value[^1].Id.ToString() : null))
                : list.Failure.ToProblem();
        });

        apps.MapPost("/{appId:guid}/deliveries/{deliveryId:guid}/retry", async Task<Results<Accepted<DeliveryDto>, ProblemHttpResult>> (
            Guid appId, Guid deliveryId, Caller caller, AppService service, CancellationToken ct) =>
        {
            var retried = await service.RetryDeliveryAsync(caller.User, appId, deliveryId, ct);
            return retried.Succeeded ? TypedResults.Accepted((string?)null, DeliveryDto.From(retried.Value)) : retried.Failure.ToProblem();
        });

        var hooks = api.MapGroup("/chats/{chatId:guid}/incoming-webhooks");

        hooks.MapPost("/", async Task<Results<Created<IncomingWebhookDto>, ProblemHttpResult>> (
            Guid chatId, IncomingWebhookRequest request, Caller caller, IncomingWebhookService service, HttpContext context, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(caller.Id, chatId, request.Name, request.AvatarUrl, ct);
            if (!created.Succeeded)
            {
                return created.Failure.ToProblem();
            }

            var (webhook, token) = created.Value;
            return TypedResults.Created($"/api/v1/chats/{chatId}/incoming-webhooks/{webhook.Id}",
                IncomingWebhookDto.From(webhook, HookUrl(context, webhook, token)));
        });

        hooks.MapGet("/", async Task<Results<Ok<ItemsDto<IncomingWebhookDto>>, ProblemHttpResult>> (
            Guid chatId, Caller caller, IncomingWebhookService service, CancellationToken ct) =>
        {
            var list = await service.ListAsync(caller.Id, chatId, ct);
            return list.Succeeded
                ? TypedResults.Ok(new ItemsDto<IncomingWebhookDto>([.. list.Value.Select(w => IncomingWebhookDto.From(w))], null))
                : list.Failure.ToProblem();
        });

        hooks.MapPost("/{webhookId:guid}/rotate", async Task<Results<Ok<IncomingWebhookDto>, ProblemHttpResult>> (
            Guid chatId, Guid webhookId, Caller caller, IncomingWebhookService service, HttpContext context, CancellationToken ct) =>
        {
            var rotated = await service.RotateAsync(caller.Id, chatId, webhookId, ct);
            return rotated.Succeeded
                ? TypedResults.Ok(IncomingWebhookDto.From(rotated.Value.Webhook, HookUrl(context, rotated.Value.Webhook, rotated.Value.Token)))
                : rotated.Failure.ToProblem();
        });

        hooks.MapDelete("/{webhookId:guid}", async Task<Results<NoContent, ProblemHttpResult>> (
            Guid chatId, Guid webhookId, Caller caller, IncomingWebhookService service, CancellationToken ct) =>
        {
            var deleted = await service.DeleteAsync(caller.Id, chatId, webhookId, ct);
            return deleted.Succeeded ? TypedResults.NoContent() : deleted.Failure.ToProblem();
        });

        api.MapGet("/chats/{chatId:guid}/commands", async Task<Results<Ok<ItemsDto<CommandDto>>, ProblemHttpResult>> (
            Guid chatId, Caller caller, AppCommands commands, CancellationToken ct) =>
        {
            var list = await commands.ListAsync(caller.Id, chatId, ct);
            return list.Succeeded ? TypedResults.Ok(new ItemsDto<CommandDto>(list.Value, null)) : list.Failure.ToProblem();
        });

        return api;
    }

    private static string HookUrl(HttpContext context, IncomingWebhook webhook, string token) =>
        $"{context.Request.Scheme}://{context.Request.Host}/hooks/{webhook.Id}/{token}";
}
