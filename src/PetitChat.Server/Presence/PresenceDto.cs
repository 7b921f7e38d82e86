using PetitChat.Core.Presence;

namespace PetitChat.Server.Presence;

/// <summary>A user's presence on the wire: <c>{ userId, state, lastSeenAt, status, source }</c>.</summary>
public sealed record PresenceDto(Guid UserId, PresenceState State, DateTimeOffset? LastSeenAt, StatusDto? Status, string Source)
{
    public static PresenceDto From(PresenceView view) =>
        new(view.UserId, view.State, view.LastSeenAt, view.Status is { } s ? StatusDto.From(s) : null, view.Source);
}
