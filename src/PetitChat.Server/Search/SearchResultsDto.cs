namespace PetitChat.Server.Search;

/// <summary>A page of matches, best first; <see cref="NextCursor"/> goes back as <c>cursor=</c>.</summary>
public sealed record SearchResultsDto(IReadOnlyList<SearchHitDto> Items, string? NextCursor);
