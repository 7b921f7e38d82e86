namespace PetitChat.Server.Notifications;

public sealed record WebhookRequest(string? Url);
