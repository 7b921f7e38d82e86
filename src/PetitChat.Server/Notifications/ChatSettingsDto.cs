namespace PetitChat.Server.Notifications;

public sealed record ChatSettingsDto(Guid ChatId, bool Muted);
