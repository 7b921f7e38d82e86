using System.Text.Json;
using System.Text.Json.Serialization;
using PetitChat.Core.Calls;

namespace PetitChat.Infrastructure;

/// <summary>
/// How a signal's <see cref="SignalCall"/> is written in every store: one JSON text (a SQLite
/// column, a Scylla attribute), with the media as stable text.
/// </summary>
internal static class StoredSignalCall
{
    public static string? Write(SignalCall? call) => call is null
        ? null
        : JsonSerializer.Serialize(
            new Stored(call.CallId, StoredNames.Of(call.Media), call.DurationSeconds, [.. call.ParticipantIds], call.Missed),
            StoredSignalCallJson.Default.Stored);

    public static SignalCall? Read(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var stored = JsonSerializer.Deserialize(text, StoredSignalCallJson.Default.Stored)
            ?? throw new InvalidOperationException("A signal's call info in the store is empty.");
        return new SignalCall(stored.Id, StoredNames.CallMediaOf(stored.Media), stored.Duration, stored.Participants ?? [], stored.Missed);
    }

    internal sealed record Stored(Guid Id, string Media, int? Duration, Guid[]? Participants, bool Missed);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredSignalCall.Stored))]
internal sealed partial class StoredSignalCallJson : JsonSerializerContext;
