namespace PetitChat.Core.Signals;

/// <summary>
/// Signals newest first. <see cref="NextCursor"/> goes back as <c>before=</c> for older
/// signals; <see cref="NewerCursor"/> goes back as <c>after=</c> for newer ones. Each is null
/// when there is nothing more that way (as of this read).
/// </summary>
public sealed record TimelinePage(IReadOnlyList<SignalView> Items, string? NextCursor, string? NewerCursor);
