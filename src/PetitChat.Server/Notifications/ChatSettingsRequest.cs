namespace PetitChat.Server.Notifications;

public sealed record ChatSettingsRequest(bool? Muted);
