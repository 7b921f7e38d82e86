using PetitChat.Core.Signals;

namespace PetitChat.Core.Threads;

/// <summary>
/// A thread's root and a page of its replies, oldest first. <see cref="NextCursor"/> goes back as
/// <c>after=</c> for newer replies, <see cref="PreviousCursor"/> as <c>before=</c> for older ones;
/// each is null when there is nothing more that way (as of this read).
/// </summary>
public sealed record ThreadPage(SignalView Root, IReadOnlyList<SignalView> Items, string? NextCursor, string? PreviousCursor);
