namespace PetitChat.Server.Chats;

public sealed record AddMemberRequest(Guid? UserId);
