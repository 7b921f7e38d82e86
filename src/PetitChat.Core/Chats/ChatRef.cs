namespace PetitChat.Core.Chats;

/// <summary>
/// What a search needs to know of one of my chats: its id, and its kind and name for <c>in:</c>.
/// Nothing else is read, so listing hundreds of them stays cheap (<see cref="IChatRoster.ListChatRefsAsync"/>).
/// </summary>
public sealed record ChatRef(Guid Id, ChatKind Kind, string? Name);
