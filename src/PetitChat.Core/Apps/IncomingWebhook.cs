namespace PetitChat.Core.Apps;

/// <summary>
/// A URL that posts into one chat as the webhook's own bot user (<see cref="BotUserId"/>, a member
/// of the chat). Only the SHA-256 of the URL's secret token is kept (<see cref="TokenHash"/>).
/// It may post while <see cref="CreatedBy"/> is a member of the chat.
/// </summary>
public sealed record IncomingWebhook(
    Guid Id,
    Guid ChatId,
    string Name,
    string? AvatarUrl,
    Guid BotUserId,
    string TokenHash,
    Guid CreatedBy,
    DateTimeOffset CreatedAt);
