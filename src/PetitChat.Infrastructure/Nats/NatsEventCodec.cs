using System.Text.Json;
using PetitChat.Core.Apps;
using PetitChat.Core.Calls;
using PetitChat.Core.E2ee;
using PetitChat.Core.Events;
using PetitChat.Core.Presence;

namespace PetitChat.Infrastructure.Nats;

/// <summary>
/// Turns a live event into a stream message and back. The type travels in the
/// <see cref="TypeHeader"/> header rather than inside the JSON, so that a node reading an event
/// type it does not know (a newer node wrote it) can skip it without parsing the body.
/// </summary>
internal static class NatsEventCodec
{
    public const string TypeHeader = "Petitchat-Event";

    public static (string Type, byte[] Body) Encode(LiveEvent liveEvent) => liveEvent switch
    {
        SignalCreated e => ("signal", JsonSerializer.SerializeToUtf8Bytes(e, NatsJsonContext.Default.SignalCreated)),
        ReactionChanged e => ("reaction", JsonSerializer.SerializeToUtf8Bytes(e, NatsJsonContext.Default.ReactionChanged)),
        ReceiptMoved e => ("receipt", JsonSerializer.SerializeToUtf8Bytes(e, NatsJsonContext.Default.ReceiptMoved)),
        ReceiptsMoved e => ("receipts", JsonSerializer.SerializeToUtf8Bytes(e, NatsJsonContext.Default.ReceiptsMoved)),
        ChatChanged e => ("chat", JsonSerializer.SerializeToUtf8Bytes(e, NatsJsonContext.Default.ChatChanged)),
        CallChanged e => ("call", JsonSerializer.SerializeToUtf8Bytes(e, NatsJsonContext.Default.CallChanged)),
        CommandAnswered e => ("command_answer", JsonSerializer.SerializeToUtf8Bytes(e, NatsJsonContext.Default.CommandAnswered)),
        DevicesChanged e => ("devices", JsonSerializer.SerializeToUtf8Bytes(e, NatsJsonContext.Default.DevicesChanged)),
        DeviceMessageSent e => ("device_message", JsonSerializer.SerializeToUtf8Bytes(e, NatsJsonContext.Default.DeviceMessageSent)),
        SignalEdited e => ("signal_edited", JsonSerializer.SerializeToUtf8Bytes(e, NatsJsonContext.Default.SignalEdited)),
        SignalDeleted e => ("signal_deleted", JsonSerializer.SerializeToUtf8Bytes(e, NatsJsonContext.Default.SignalDeleted)),
        TypingStarted e => ("typing", JsonSerializer.SerializeToUtf8Bytes(e, NatsJsonContext.Default.TypingStarted)),
        StreamReset => ("reset", "{}"u8.ToArray()),
        PresenceChanged e => ("presence", JsonSerializer.SerializeToUtf8Bytes(e, NatsJsonContext.Default.PresenceChanged)),
        _ => throw new ArgumentOutOfRangeException(nameof(liveEvent), liveEvent.GetType().Name, "This event cannot go through the bus."),
    };

    /// <summary>The event, or null for a type this node does not know.</summary>
    public static LiveEvent? Decode(string? type, ReadOnlySpan<byte> body) => type switch
    {
        "signal" => JsonSerializer.Deserialize(body, NatsJsonContext.Default.SignalCreated),
        "reaction" => JsonSerializer.Deserialize(body, NatsJsonContext.Default.ReactionChanged),
        "receipt" => JsonSerializer.Deserialize(body, NatsJsonContext.Default.ReceiptMoved),
        "receipts" => JsonSerializer.Deserialize(body, NatsJsonContext.Default.ReceiptsMoved),
        "chat" => JsonSerializer.Deserialize(body, NatsJsonContext.Default.ChatChanged),
        "call" => JsonSerializer.Deserialize(body, NatsJsonContext.Default.CallChanged),
        "command_answer" => JsonSerializer.Deserialize(body, NatsJsonContext.Default.CommandAnswered),
        "devices" => JsonSerializer.Deserialize(body, NatsJsonContext.Default.DevicesChanged),
        "device_message" => JsonSerializer.Deserialize(body, NatsJsonContext.Default.DeviceMessageSent),
        "signal_edited" => JsonSerializer.Deserialize(body, NatsJsonContext.Default.SignalEdited),
        "signal_deleted" => JsonSerializer.Deserialize(body, NatsJsonContext.Default.SignalDeleted),
        "typing" => JsonSerializer.Deserialize(body, NatsJsonContext.Default.TypingStarted),
        "reset" => new StreamReset(),
        "presence" => JsonSerializer.Deserialize(body, NatsJsonContext.Default.PresenceChanged),
        _ => null,
    };
}
