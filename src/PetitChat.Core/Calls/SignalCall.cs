namespace PetitChat.Core.Calls;

/// <summary>
/// What a <c>call_started</c> or <c>call_ended</c> signal says about its call: which call, and
/// for the end how long it lasted (from the start to the end, in whole seconds), who took part
/// and whether nobody answered (<see cref="Missed"/>).
/// </summary>
public sealed record SignalCall(Guid CallId, CallMedia Media, int? DurationSeconds, IReadOnlyList<Guid> ParticipantIds, bool Missed);
