namespace PetitChat.Core.Search;

/// <summary>
/// "Make the index agree with the store about this signal", written by the store in the same
/// write as the signal (an outbox). <see cref="Attempts"/> counts claims, this one included.
/// </summary>
public sealed record SearchJob(Guid Id, Guid ChatId, Guid SignalId, int Attempts);
