namespace PetitChat.Core.Presence;

/// <summary>
/// A user's presence as others see it: the state, when they were last seen, their status (own,
/// or the Microsoft 365 status message), and where the state came from
/// (<c>petitchat</c> or <c>microsoft365</c>).
/// </summary>
public sealed record PresenceView(Guid UserId, PresenceState State, DateTimeOffset? LastSeenAt, UserStatus? Status, string Source)
{
    public const string PetitChatSource = "petitchat";
    public const string Microsoft365Source = "microsoft365";
}
