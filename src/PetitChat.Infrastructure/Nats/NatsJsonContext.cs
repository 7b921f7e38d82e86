using System.Text.Json.Serialization;
using PetitChat.Core.Calls;
using PetitChat.Core.E2ee;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.Nats;

/// <summary>The events' wire format in the stream: one JSON document per event, its type in a header.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SignalCreated))]
[JsonSerializable(typeof(ReactionChanged))]
[JsonSerializable(typeof(ReceiptMoved))]
[JsonSerializable(typeof(ReceiptsMoved))]
[JsonSerializable(typeof(ChatChanged))]
[JsonSerializable(typeof(CallChanged))]
[JsonSerializable(typeof(PetitChat.Core.Apps.CommandAnswered))]
[JsonSerializable(typeof(DevicesChanged))]
[JsonSerializable(typeof(DeviceMessageSent))]
[JsonSerializable(typeof(SignalEdited))]
[JsonSerializable(typeof(SignalDeleted))]
[JsonSerializable(typeof(TypingStarted))]
[JsonSerializable(typeof(PetitChat.Core.Presence.PresenceChanged))]
internal sealed partial class NatsJsonContext : JsonSerializerContext;
