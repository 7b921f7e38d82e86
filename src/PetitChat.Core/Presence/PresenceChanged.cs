using PetitChat.Core.Events;

namespace PetitChat.Core.Presence;

/// <summary>A user's presence as their chat partners should now show it; ephemeral (never stored, never replayed).</summary>
public sealed record PresenceChanged(PresenceView Presence) : LiveEvent;
