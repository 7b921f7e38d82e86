namespace PetitChat.Core.Chats;

public enum AddMemberResult
{
    Added,
    AlreadyMember,
    ChatFull,
}
