namespace PetitChat.Core.Apps;

/// <summary>
/// One event for one app: <see cref="Body"/> is the JSON posted (the same bytes on every attempt,
/// so the delivery id inside it lets the app drop duplicates). <see cref="Round"/> grows when an
/// administrator retries a failed delivery, so the queue takes it again.
/// </summary>
public sealed record AppDelivery(
    Guid Id,
    Guid AppId,
    Guid ChatId,
    string Type,
    string Body,
    AppDeliveryStatus Status,
    int Attempts,
    int Round,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
