namespace PetitChat.Server.Notifications;

/// <summary>The <c>keys</c> of a browser's <c>PushSubscription.toJSON()</c>.</summary>
public sealed record PushKeysRequest(string? P256dh, string? Auth);
