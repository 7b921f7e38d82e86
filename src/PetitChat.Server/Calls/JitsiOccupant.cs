using System.Text.Json.Serialization;

namespace PetitChat.Server.Calls;

/// <summary>The <c>occupant</c> of an event-sync occupant event (see <see cref="JitsiEvent"/>).</summary>
public sealed record JitsiOccupant(
    [property: JsonPropertyName("occupant_jid")] string? OccupantJid,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("joined_at")] long? JoinedAt,
    [property: JsonPropertyName("left_at")] long? LeftAt);
