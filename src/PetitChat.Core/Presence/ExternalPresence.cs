namespace PetitChat.Core.Presence;

/// <summary>
/// Presence read from another system (Microsoft 365) at <see cref="At"/>: the state it maps to, the
/// system's own activity word (<c>InAMeeting</c>...), and its status message, if any.
/// </summary>
public sealed record ExternalPresence(PresenceState State, string Activity, string? Message, DateTimeOffset At);
