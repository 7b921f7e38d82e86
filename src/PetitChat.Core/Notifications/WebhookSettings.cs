namespace PetitChat.Core.Notifications;

/// <summary>A user's webhook: notifications are posted to <see cref="Url"/>, signed with HMAC-SHA256 under <see cref="Secret"/>.</summary>
public sealed record WebhookSettings(Guid UserId, string Url, string Secret, DateTimeOffset UpdatedAt);
