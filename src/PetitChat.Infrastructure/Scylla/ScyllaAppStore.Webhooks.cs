using PetitChat.Core.Apps;
using PetitChat.Infrastructure.Apps;

namespace PetitChat.Infrastructure.Scylla;

public sealed partial class ScyllaAppStore : IIncomingWebhookStore
{
    private const string WebhookKey = "hook";

    /// <summary>The webhook's own item first (what posts read), then the chat's copy (what lists read).</summary>
    public async Task SaveWebhookAsync(IncomingWebhook webhook, CancellationToken ct)
    {
        var body = Write(webhook, AppsJsonContext.Default.IncomingWebhook);
        await PutAsync(WebhookPartition(webhook.Id), WebhookKey, body, ct);
        await PutAsync(ChatPartition(webhook.ChatId), WebhookKey + "#" + webhook.Id.ToString("D"), body, ct);
    }

    public async Task<IncomingWebhook?> GetWebhookAsync(Guid webhookId, CancellationToken ct) =>
        await GetBodyAsync(WebhookPartition(webhookId), WebhookKey, ct) is { } body ? Read(body, AppsJsonContext.Default.IncomingWebhook) : null;

    public async Task<IReadOnlyList<IncomingWebhook>> ListWebhooksAsync(Guid chatId, int max, CancellationToken ct) =>
        [.. (await QueryBodiesAsync(ChatPartition(chatId), max, descending: false, ct)).Select(b => Read(b, AppsJsonContext.Default.IncomingWebhook))];

    /// <summary>The webhook's own item first, so it stops posting even if the chat's copy outlives a crash (a retry removes it).</summary>
    public async Task<bool> DeleteWebhookAsync(Guid chatId, Guid webhookId, CancellationToken ct)
    {
        if (await GetWebhookAsync(webhookId, ct) is not { } webhook || webhook.ChatId != chatId)
        {
            await DeleteAsync(ChatPartition(chatId), WebhookKey + "#" + webhookId.ToString("D"), ct);
            return false;
        }

        var removed = await DeleteAsync(WebhookPartition(webhookId), WebhookKey, ct);
        await DeleteAsync(ChatPartition(chatId), WebhookKey + "#" + webhookId.ToString("D"), ct);
        return removed;
    }

    private static string WebhookPartition(Guid webhookId) => "hook#" + webhookId.ToString("D");

    private static string ChatPartition(Guid chatId) => "chat#" + chatId.ToString("D");
}
