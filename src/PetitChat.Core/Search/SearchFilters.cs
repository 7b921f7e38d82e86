namespace PetitChat.Core.Search;

/// <summary>
/// What a global search keeps besides its words: one sender (<c>from:@username</c>), a time
/// window (<c>after:</c> inclusive, <c>before:</c> exclusive) and messages with attachments
/// (<c>has:file</c>). Chats (<c>in:</c>) are not here: they narrow the list of chats searched.
/// </summary>
public sealed record SearchFilters(Guid? SenderId, DateTimeOffset? After, DateTimeOffset? Before, bool HasFile)
{
    public static SearchFilters None { get; } = new(null, null, null, false);

    public bool IsEmpty => SenderId is null && After is null && Before is null && !HasFile;
}
