namespace PetitChat.Server.Notifications;

public sealed record PushSubscriptionDto(string Endpoint, DateTimeOffset CreatedAt);
