using PetitChat.Core.Apps;
using PetitChat.Server.Users;

namespace PetitChat.Server.Apps;

/// <summary>An app as administrators see it; <see cref="BotToken"/> and <see cref="SigningSecret"/> only in the answer that makes them.</summary>
public sealed record AppDto(
    Guid Id,
    string Name,
    string Url,
    IReadOnlyList<string> Events,
    IReadOnlyList<CommandDto> Commands,
    UserDto Bot,
    bool TokenActive,
    Guid CreatedBy,
    DateTimeOffset CreatedAt,
    string? BotToken,
    string? SigningSecret)
{
    public static AppDto From(App app, PetitChat.Core.Users.User? bot, string? token = null, bool withSecret = false) => new(
        app.Id, app.Name, app.Url, app.Events, [.. app.Commands.Select(c => new CommandDto(c.Name, c.Description, app.Name))],
        bot is null ? new UserDto(app.BotUserId, "", app.Name) { Kind = "bot" } : UserDto.From(bot),
        app.TokenHash.Length > 0, app.CreatedBy, app.CreatedAt, token, withSecret ? app.SigningSecret : null);
}

/// <summary>A command offered in a chat: <see cref="App"/> names the app answering it (<c>null</c> for a built-in).</summary>
public sealed record CommandDto(string Name, string Description, string? App);

public sealed record AppRequest(string? Name, string? Url, IReadOnlyList<string>? Events, IReadOnlyList<CommandRequest>? Commands);

public sealed record CommandRequest(string? Name, string? Description);

/// <summary>An incoming webhook; <see cref="Url"/> (holding the secret token) only in the answers that make a token.</summary>
public sealed record IncomingWebhookDto(Guid Id, Guid ChatId, string Name, string? AvatarUrl, Guid BotUserId, Guid CreatedBy, DateTimeOffset CreatedAt, string? Url)
{
    public static IncomingWebhookDto From(IncomingWebhook webhook, string? url = null) =>
        new(webhook.Id, webhook.ChatId, webhook.Name, webhook.AvatarUrl, webhook.BotUserId, webhook.CreatedBy, webhook.CreatedAt, url);
}

public sealed record IncomingWebhookRequest(string? Name, string? AvatarUrl);

public sealed record WebhookPostRequest(string? Text, IReadOnlyList<WebhookAttachmentRequest>? Attachments);

public sealed record WebhookAttachmentRequest(string? Title, string? Text, string? Url);

public sealed record DeliveryDto(Guid Id, Guid AppId, Guid ChatId, string Type, AppDeliveryStatus Status, int Attempts, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static DeliveryDto From(AppDelivery d) => new(d.Id, d.AppId, d.ChatId, d.Type, d.Status, d.Attempts, d.LastError, d.CreatedAt, d.UpdatedAt);
}

public sealed record ItemsDto<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>What a slash command gave back to its caller: <c>visibility</c> <c>me</c> is for the caller's eyes only.</summary>
public sealed record CommandResultDto(string Command, string? Text, string Visibility, Guid? SignalId, bool Pending)
{
    /// <summary>The call that <c>/call</c> started or joined, with the caller's <c>join</c>; absent for other commands.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public PetitChat.Server.Calls.CallDto? Call { get; init; }
}

/// <summary>What an app answers to a command, now or later through the response url.</summary>
public sealed record CommandAnswerRequest(string? Text, string? Visibility);
