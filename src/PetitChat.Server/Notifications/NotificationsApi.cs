using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.Notifications;
using PetitChat.Infrastructure.WebPush;
using PetitChat.Server.Errors;
using PetitChat.Server.Limits;
using PetitChat.Server.Users;
using Conflict = PetitChat.Core.Common.Conflict;
using NotFound = PetitChat.Core.Common.NotFound;

namespace PetitChat.Server.Notifications;

public static class NotificationsApi
{
    private const int MaxEndpointLength = 2_048;
    private const int MaxUrlLength = 2_048;
    private const int MaxPushSubscriptions = 10;

    public static RouteGroupBuilder MapNotifications(this RouteGroupBuilder api)
    {
        api.MapGet("/chats/{chatId:guid}/settings", async Task<Results<Ok<ChatSettingsDto>, ProblemHttpResult>> (
            Guid chatId, Caller caller, IChatRoster chats, INotificationSettingsStore settings, CancellationToken ct) =>
        {
            if (await chats.GetMemberAsync(chatId, caller.Id, ct) is null)
            {
                return ChatNotFound();
            }

            return TypedResults.Ok(new ChatSettingsDto(chatId, await settings.IsMutedAsync(chatId, caller.Id, ct)));
        });

        api.MapPut("/chats/{chatId:guid}/settings", async Task<Results<Ok<ChatSettingsDto>, ProblemHttpResult>> (
            Guid chatId, ChatSettingsRequest request, Caller caller, IChatRoster chats, INotificationSettingsStore settings, CancellationToken ct) =>
        {
            if (request.Muted is not { } muted)
            {
                return new Invalid("muted", "muted is required: true or false.").ToProblem();
            }

            if (await chats.GetMemberAsync(chatId, caller.Id, ct) is null)
            {
                return ChatNotFound();
            }

            await settings.SetMutedAsync(chatId, caller.Id, muted, ct);
            return TypedResults.Ok(new ChatSettingsDto(chatId, muted));
        });

        api.MapGet("/push/vapid-public-key", (VapidKeys keys) => TypedResults.Ok(new VapidKeyDto(keys.PublicKey)));

        var me = api.MapGroup("/me");
        me.MapGet("/push-subscriptions", async (Caller caller, INotificationSettingsStore settings, CancellationToken ct) =>
            TypedResults.Ok((await settings.GetPushSubscriptionsAsync(caller.Id, ct)).Select(s => new PushSubscriptionDto(s.Endpoint, s.CreatedAt)).ToList()));

        me.MapPost("/push-subscriptions", async Task<Results<Created<PushSubscriptionDto>, ProblemHttpResult>> (
            PushSubscriptionRequest request, Caller caller, INotificationSettingsStore settings, OutboundHttp outbound, TimeProvider time, CancellationToken ct) =>
        {
            if (CheckSubscription(request, outbound) is { } invalid)
            {
                return invalid.ToProblem();
            }

            // Each subscription is a delivery on every message: a user holds a few (browsers, phones), never hundreds.
            var existing = await settings.GetPushSubscriptionsAsync(caller.Id, ct);
            if (existing.Count >= MaxPushSubscriptions && !existing.Any(s => s.Endpoint == request.Endpoint))
            {
                return new Conflict($"You have {MaxPushSubscriptions} push subscriptions, the most there may be: remove one first.").ToProblem();
            }

            var subscription = new PushSubscription(caller.Id, request.Endpoint!, request.Keys!.P256dh!, request.Keys.Auth!, time.GetUtcNow());
            if (!await settings.SavePushSubscriptionAsync(subscription, ct))
            {
                // Never moved to the caller: that would let anyone holding the URL silence its owner's
                // notifications (docs/security.md). A browser that gets this subscribes anew.
                return new Conflict("This push endpoint is registered to another account; unsubscribe in the browser and subscribe again.").ToProblem();
            }

            return TypedResults.Created("/api/v1/me/push-subscriptions", new PushSubscriptionDto(subscription.Endpoint, subscription.CreatedAt));
        }).RequireRateLimiting(RateLimitPolicies.PushSubscriptions);

        me.MapDelete("/push-subscriptions", async Task<Results<NoContent, ProblemHttpResult>> (
            string? endpoint, Caller caller, INotificationSettingsStore settings, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(endpoint))
            {
                return new Invalid("endpoint", "endpoint is required (a query parameter): the subscription's endpoint URL.").ToProblem();
            }

            return await settings.RemovePushSubscriptionAsync(caller.Id, endpoint, ct)
                ? TypedResults.NoContent()
                : new NotFound("You have no push subscription with this endpoint.").ToProblem();
        });

        me.MapGet("/webhook", async Task<Results<Ok<WebhookDto>, ProblemHttpResult>> (
            Caller caller, INotificationSettingsStore settings, CancellationToken ct) =>
            await settings.GetWebhookAsync(caller.Id, ct) is { } webhook
                ? TypedResults.Ok(new WebhookDto(webhook.Url, null, webhook.UpdatedAt))
                : new NotFound("You have no webhook.").ToProblem());

        me.MapPut("/webhook", async Task<Results<Ok<WebhookDto>, ProblemHttpResult>> (
            WebhookRequest request, Caller caller, INotificationSettingsStore settings, OutboundHttp outbound, TimeProvider time, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(request.Url) || request.Url.Length > MaxUrlLength)
            {
                return new Invalid("url", $"url is required, at most {MaxUrlLength} characters.").ToProblem();
            }

            if (outbound.CheckUrl(request.Url) is { } why)
            {
                return new Invalid("url", $"url {why}.").ToProblem();
            }

            // A new secret on every change: the receiver learns it from this answer only.
            var webhook = new WebhookSettings(caller.Id, request.Url, Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)), time.GetUtcNow());
            await settings.SaveWebhookAsync(webhook, ct);
            return TypedResults.Ok(new WebhookDto(webhook.Url, webhook.Secret, webhook.UpdatedAt));
        }).RequireRateLimiting(RateLimitPolicies.PushSubscriptions);

        me.MapDelete("/webhook", async Task<Results<NoContent, ProblemHttpResult>> (
            Caller caller, INotificationSettingsStore settings, CancellationToken ct) =>
            await settings.RemoveWebhookAsync(caller.Id, ct) ? TypedResults.NoContent() : new NotFound("You have no webhook.").ToProblem());

        return api;
    }

    private static Invalid? CheckSubscription(PushSubscriptionRequest request, OutboundHttp outbound)
    {
        if (string.IsNullOrWhiteSpace(request.Endpoint) || request.Endpoint.Length > MaxEndpointLength)
        {
            return new Invalid("endpoint", $"endpoint is required, at most {MaxEndpointLength} characters.");
        }

        if (outbound.CheckUrl(request.Endpoint) is { } why)
        {
            return new Invalid("endpoint", $"endpoint {why}.");
        }

        if (!IsBase64Url(request.Keys?.P256dh, 65, out var point) || point[0] != 0x04)
        {
            return new Invalid("keys.p256dh", "keys.p256dh must be an uncompressed P-256 public key (65 bytes, base64url).");
        }

        if (!IsBase64Url(request.Keys?.Auth, 16, out _))
        {
            return new Invalid("keys.auth", "keys.auth must be a 16-byte secret, base64url.");
        }

        return null;
    }

    private static bool IsBase64Url(string? text, int length, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(text) || text.Length > 200)
        {
            return false;
        }

        try
        {
            bytes = Base64Url.DecodeFromChars(text.TrimEnd('='));
        }
        catch (FormatException)
        {
            return false;
        }

        return bytes.Length == length;
    }

    private static ProblemHttpResult ChatNotFound() => new NotFound("No such chat.").ToProblem();
}
