namespace PetitChat.Core.Notifications;

/// <summary>
/// A browser's Web Push subscription: where to post (<see cref="Endpoint"/>) and the keys to
/// encrypt for (<see cref="P256dh"/>, the client's P-256 public key, and <see cref="Auth"/>, its
/// 16-byte secret, both base64url as the browser's <c>PushSubscription.toJSON()</c> gives them).
/// </summary>
public sealed record PushSubscription(Guid UserId, string Endpoint, string P256dh, string Auth, DateTimeOffset CreatedAt);
