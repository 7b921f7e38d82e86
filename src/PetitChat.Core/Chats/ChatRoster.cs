namespace PetitChat.Core.Chats;

/// <summary>
/// A chat and its members as <see cref="RosterCache"/> holds them. Only what a send needs is
/// current: who the members are, and the chat's kind and encryption (set at creation, never
/// changed). Receipt pointers, name and last activity are as they were when read.
/// </summary>
public sealed record ChatRoster(Chat Chat, IReadOnlyList<ChatMember> Members)
{
    public bool Has(Guid userId)
    {
        // At most the group limit (100 by default): a scan costs less than building a set on each read.
        foreach (var member in Members)
        {
            if (member.UserId == userId)
            {
                return true;
            }
        }

        return false;
    }
}
