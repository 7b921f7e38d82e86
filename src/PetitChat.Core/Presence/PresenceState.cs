namespace PetitChat.Core.Presence;

/// <summary>What others see of a user right now.</summary>
public enum PresenceState
{
    Online,
    Away,
    Offline,
    Busy,
    Dnd,
}
