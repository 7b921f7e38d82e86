namespace PetitChat.Core.Signals;

/// <summary>
/// What <see cref="ISignalStore.DeleteSignalAsync"/> did: the tombstone, whether this call made it
/// (false when the signal was deleted already), and the attachments the signal held before, whose
/// file records the caller releases.
/// </summary>
public sealed record SignalDeletion(Signal Tombstone, bool Deleted, IReadOnlyList<Guid> FormerAttachmentIds);
