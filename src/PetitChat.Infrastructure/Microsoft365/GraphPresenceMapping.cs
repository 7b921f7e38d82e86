using PetitChat.Core.Presence;

namespace PetitChat.Infrastructure.Microsoft365;

/// <summary>
/// Graph's presence (availability, activity) as a Petit chat state; the table is in
/// docs/presence.md. Values: https://learn.microsoft.com/en-us/graph/api/resources/presence
/// </summary>
public static class GraphPresenceMapping
{
    public static PresenceState StateOf(string? availability, string? activity) => (activity, availability) switch
    {
        (_, "Offline" or "PresenceUnknown" or null) => PresenceState.Offline,
        ("Presenting" or "UrgentInterruptionsOnly" or "DoNotDisturb", _) or (_, "DoNotDisturb") => PresenceState.Dnd,
        ("InACall" or "InAConferenceCall" or "InAMeeting" or "Busy", _) or (_, "Busy" or "BusyIdle") => PresenceState.Busy,
        ("Away" or "BeRightBack" or "Inactive" or "OutOfOffice" or "OffWork", _) or (_, "Away" or "BeRightBack" or "AvailableIdle") => PresenceState.Away,
        (_, "Available") or ("Available", _) => PresenceState.Online,
        _ => PresenceState.Offline,
    };
}
