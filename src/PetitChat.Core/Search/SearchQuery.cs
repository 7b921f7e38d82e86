namespace PetitChat.Core.Search;

/// <summary>
/// A search in one chat. <see cref="Words"/> are the user's words as typed (see
/// <see cref="SearchWords.Split"/>): adapters treat every character of them as text.
/// </summary>
public sealed record SearchQuery(Guid ChatId, IReadOnlyList<string> Words, int Offset, int Limit);
