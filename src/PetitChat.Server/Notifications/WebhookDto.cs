namespace PetitChat.Server.Notifications;

/// <summary>The webhook; <see cref="Secret"/> is shown when it is set, for the receiver to check signatures.</summary>
public sealed record WebhookDto(string Url, string? Secret, DateTimeOffset UpdatedAt);
