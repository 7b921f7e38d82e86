namespace PetitChat.Server.Signals;

/// <summary>A timeline page: <c>nextCursor</c> goes back as <c>before=</c>, <c>newerCursor</c> as <c>after=</c>.</summary>
public sealed record TimelineDto(IReadOnlyList<SignalDto> Items, string? NextCursor, string? NewerCursor);
