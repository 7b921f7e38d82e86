namespace PetitChat.Core.Telemetry;

/// <summary>The notification queue as last seen: jobs waiting, and the age of the oldest one.</summary>
public sealed record QueueState(long Depth, TimeSpan OldestAge);
