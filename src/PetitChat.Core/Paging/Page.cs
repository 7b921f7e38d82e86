namespace PetitChat.Core.Paging;

/// <summary>A page of results and the opaque cursor of the next one (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
