namespace PetitChat.Server.Presence;

/// <summary>The body of <c>PUT /api/v1/me/microsoft365</c>: sync my presence, and with <c>writeBack</c> write my status there too.</summary>
public sealed record Microsoft365LinkRequest(bool? WriteBack);
