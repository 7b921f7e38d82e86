using System.Text.Json.Serialization;

namespace PetitChat.Server.Calls;

/// <summary>
/// A payload of Jitsi's event-sync prosody component
/// (https://github.com/jitsi-contrib/prosody-plugins/tree/main/event_sync): room events carry
/// <c>event_name</c>, <c>room_name</c>, <c>room_jid</c>; occupant events add <c>occupant</c>,
/// whose <c>id</c> is the <c>context.user.id</c> of the token it joined with. Times are Unix seconds.
/// Events of a breakout room carry <c>is_breakout: true</c> and the main room's <c>room_name</c>.
/// </summary>
public sealed record JitsiEvent(
    [property: JsonPropertyName("event_name")] string? EventName,
    [property: JsonPropertyName("room_name")] string? RoomName,
    [property: JsonPropertyName("room_jid")] string? RoomJid,
    [property: JsonPropertyName("occupant")] JitsiOccupant? Occupant,
    [property: JsonPropertyName("is_breakout")] bool? IsBreakout = null);
