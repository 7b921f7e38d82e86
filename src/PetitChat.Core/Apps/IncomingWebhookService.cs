using System.Text;
using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Signals;
using PetitChat.Core.Storage;

namespace PetitChat.Core.Apps;

/// <summary>
/// Incoming webhooks of a chat: any member creates, lists, rotates and deletes them. A webhook
/// posts as its own bot user, which joins the chat when the webhook is created and leaves when it
/// is deleted; it may post only while its creator is still a member.
/// </summary>
public sealed class IncomingWebhookService(
    IIncomingWebhookStore webhooks,
    IChatStore store,
    ChatService chats,
    SignalService signals,
    BotUsers bots,
    AppOptions options,
    ChatLimits limits,
    Ids ids,
    TimeProvider time)
{
    private static readonly NotFound NoSuchWebhook = new("No such webhook.");

    public async Task<Result<(IncomingWebhook Webhook, string Token)>> CreateAsync(Guid callerId, Guid chatId, string? name, string? avatarUrl, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > options.MaxNameLength)
        {
            return new Invalid("name", $"name is required, at most {options.MaxNameLength} characters.");
        }

        if (avatarUrl is not null && !IsWebUrl(avatarUrl))
        {
            return new Invalid("avatarUrl", $"avatarUrl must be an absolute http(s) URL of at most {options.MaxUrlLength} characters.");
        }

        if (await store.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return ChatService.ChatNotFound;
        }

        if ((await webhooks.ListWebhooksAsync(chatId, options.MaxWebhooksPerChat, ct)).Count >= options.MaxWebhooksPerChat)
        {
            return new Conflict($"A chat has at most {options.MaxWebhooksPerChat} incoming webhooks (Apps:MaxWebhooksPerChat).");
        }

        var id = ids.Next();
        var bot = await bots.CreateAsync("hook", id, name.Trim(), ct);
        var added = await chats.AddMemberAsync(callerId, chatId, bot.Id, ct);
        if (!added.Succeeded)
        {
            return added.Failure;
        }

        var token = AppTokens.NewSecret();
        var webhook = new IncomingWebhook(id, chatId, name.Trim(), avatarUrl, bot.Id, AppTokens.Hash(token), callerId, time.GetUtcNow());
        await webhooks.SaveWebhookAsync(webhook, ct);
        return (webhook, token);
    }

    public async Task<Result<IReadOnlyList<IncomingWebhook>>> ListAsync(Guid callerId, Guid chatId, CancellationToken ct) =>
        await store.GetMemberAsync(chatId, callerId, ct) is null
            ? ChatService.ChatNotFound
            : Result.Ok(await webhooks.ListWebhooksAsync(chatId, options.MaxWebhooksPerChat, ct));

    /// <summary>A new token (so a new url); the old url stops working at once.</summary>
    public async Task<Result<(IncomingWebhook Webhook, string Token)>> RotateAsync(Guid callerId, Guid chatId, Guid webhookId, CancellationToken ct)
    {
        var found = await FindAsync(callerId, chatId, webhookId, ct);
        if (!found.Succeeded)
        {
            return found.Failure;
        }

        var token = AppTokens.NewSecret();
        var webhook = found.Value with { TokenHash = AppTokens.Hash(token) };
        await webhooks.SaveWebhookAsync(webhook, ct);
        return (webhook, token);
    }

    public async Task<Result<bool>> DeleteAsync(Guid callerId, Guid chatId, Guid webhookId, CancellationToken ct)
    {
        var found = await FindAsync(callerId, chatId, webhookId, ct);
        if (!found.Succeeded)
        {
            return found.Failure;
        }

        await webhooks.DeleteWebhookAsync(chatId, webhookId, ct);
        // The bot leaves by itself: members see it go, as when it came.
        await chats.RemoveMemberAsync(found.Value.BotUserId, [], chatId, found.Value.BotUserId, ct);
        return true;
    }

    /// <summary>The webhook when <paramref name="token"/> is its token; null for a wrong id or token alike.</summary>
    public async Task<IncomingWebhook?> AuthenticateAsync(Guid webhookId, string token, CancellationToken ct) =>
        await webhooks.GetWebhookAsync(webhookId, ct) is { } webhook && AppTokens.Matches(token, webhook.TokenHash) ? webhook : null;

    /// <summary>Posts as the webhook's bot; forbidden once the webhook's creator has left the chat.</summary>
    public async Task<Result<(SignalView Signal, bool Created)>> PostAsync(IncomingWebhook webhook, WebhookPost post, CancellationToken ct)
    {
        if (ComposeFailure(post) is { } invalid)
        {
            return invalid;
        }

        if (await store.GetMemberAsync(webhook.ChatId, webhook.CreatedBy, ct) is null)
        {
            return new Forbidden("The webhook's creator is no longer a member of the chat, so it no longer posts.");
        }

        return await signals.SendAsync(webhook.BotUserId, webhook.ChatId, new NewSignal(SignalKind.Message, Compose(post), ids.Next().ToString(), null), ct);
    }

    private async Task<Result<IncomingWebhook>> FindAsync(Guid callerId, Guid chatId, Guid webhookId, CancellationToken ct)
    {
        if (await store.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return ChatService.ChatNotFound;
        }

        return await webhooks.GetWebhookAsync(webhookId, ct) is { } webhook && webhook.ChatId == chatId ? webhook : NoSuchWebhook;
    }

    /// <summary>The message text: the post's text, then each attachment as title, text and url lines.</summary>
    private static string Compose(WebhookPost post)
    {
        var text = new StringBuilder(post.Text?.Trim() ?? "");
        foreach (var attachment in post.Attachments ?? [])
        {
            if (text.Length > 0)
            {
                text.Append("\n\n");
            }

            foreach (var line in new[] { attachment.Title, attachment.Text, attachment.Url })
            {
                if (!string.IsNullOrWhiteSpace(line))
                {
                    text.Append(line.Trim()).Append('\n');
                }
            }
        }

        return text.ToString().TrimEnd();
    }

    private Invalid? ComposeFailure(WebhookPost post)
    {
        var attachments = post.Attachments ?? [];
        if (attachments.Count > options.MaxAttachments)
        {
            return new Invalid("attachments", $"At most {options.MaxAttachments} attachments (Apps:MaxAttachments).");
        }

        for (var i = 0; i < attachments.Count; i++)
        {
            var a = attachments[i];
            if (a is null || (string.IsNullOrWhiteSpace(a.Title) && string.IsNullOrWhiteSpace(a.Text) && string.IsNullOrWhiteSpace(a.Url)))
            {
                return new Invalid($"attachments[{i}]", "An attachment needs a title, text or url.");
            }

            if (a.Url is not null && !IsWebUrl(a.Url))
            {
                return new Invalid($"attachments[{i}].url", $"url must be an absolute http(s) URL of at most {options.MaxUrlLength} characters.");
            }

            if (a.Title is { Length: > 200 })
            {
                return new Invalid($"attachments[{i}].title", "title is at most 200 characters.");
            }
        }

        if (string.IsNullOrWhiteSpace(post.Text) && attachments.Count == 0)
        {
            return new Invalid("text", "A post needs text or attachments.");
        }

        var length = (post.Text?.Length ?? 0) + attachments.Sum(a => (a.Title?.Length ?? 0) + (a.Text?.Length ?? 0) + (a.Url?.Length ?? 0) + 4);
        return length > limits.MaxTextLength
            ? new Invalid("text", $"text and attachments together are at most {limits.MaxTextLength} characters.")
            : null;
    }

    private bool IsWebUrl(string url) =>
        url.Length <= options.MaxUrlLength && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
