namespace PetitChat.Core.Search;

/// <summary>
/// What a drain did: jobs claimed, documents indexed and removed, and when the index refused the
/// batch, why and when its jobs are due again.
/// </summary>
public sealed record SearchDrain(int Claimed, int Indexed, int Removed, Exception? Failure, DateTimeOffset? RetryAt);
