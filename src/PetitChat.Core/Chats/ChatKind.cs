namespace PetitChat.Core.Chats;

public enum ChatKind
{
    /// <summary>Exactly two members, at most one chat per pair.</summary>
    Direct,

    /// <summary>Two or more members, named.</summary>
    Group,
}
