namespace PetitChat.Server.Notifications;

/// <summary>The key a browser passes as <c>applicationServerKey</c> to <c>pushManager.subscribe</c>.</summary>
public sealed record VapidKeyDto(string PublicKey);
