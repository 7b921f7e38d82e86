namespace PetitChat.Server.Notifications;

/// <summary>A browser's <c>PushSubscription.toJSON()</c>, posted as it is.</summary>
public sealed record PushSubscriptionRequest(string? Endpoint, PushKeysRequest? Keys);
