namespace PetitChat.Core.Apps;

/// <summary>
/// An external HTTP service registered by an administrator: it acts in chats through its bot user
/// (<see cref="BotUserId"/>, a user with the <c>bot</c> role), receives the <see cref="Events"/> it
/// subscribed to at <see cref="Url"/>, signed under <see cref="SigningSecret"/>, and answers its
/// <see cref="Commands"/>. Only the SHA-256 of its bot token is kept (<see cref="TokenHash"/>);
/// an empty hash means the token was revoked.
/// </summary>
public sealed record App(
    Guid Id,
    string Name,
    string Url,
    Guid BotUserId,
    IReadOnlyList<string> Events,
    IReadOnlyList<AppCommand> Commands,
    string TokenHash,
    string SigningSecret,
    Guid CreatedBy,
    DateTimeOffset CreatedAt);
