namespace PetitChat.Server.Chats;

public sealed record RenameChatRequest(string? Name);
