using PetitChat.Core.Apps;
using PetitChat.Core.Calls;
using PetitChat.Core.E2ee;
using PetitChat.Core.Events;
using PetitChat.Core.Presence;
using PetitChat.Core.Receipts;
using PetitChat.Server.Calls;
using PetitChat.Server.E2ee;
using PetitChat.Server.Presence;
using PetitChat.Server.Receipts;
using PetitChat.Server.Signals;

namespace PetitChat.Server.Events;

/// <summary>The SSE <c>event:</c> name and JSON <c>data:</c> of each live event.</summary>
public static class EventPayloads
{
    public static (string Type, object Data) Of(LiveEvent liveEvent) => liveEvent switch
    {
        SignalCreated created => ("signal", SignalDto.From(created.Signal)),
        ReactionChanged r => ("reaction", new ReactionEventDto(r.ChatId, r.SignalId, r.UserId, r.Emoji, r.Added, r.Count)),
        ReceiptMoved r => ("receipt", new ReceiptEventDto(r.ChatId, r.UserId, r.State, r.SignalId, r.At)),
        ReceiptsMoved r => ("receipt", ReceiptBatchEventDto.From(r)),
        ChatChanged c => ("chat", new ChatEventDto(c.ChatId, c.Removed)),
        CallChanged c => ("call", new CallEventDto(CallDto.From(c.Call), c.Action, c.UserId)),
        CommandAnswered a => ("command_answer", new CommandAnswerEventDto(a.ChatId, a.Command, a.Text, "me")),
        DevicesChanged d => ("devices", new DevicesEventDto(d.UserId)),
        DeviceMessageSent m => ("device_message", DeviceMessageDto.From(m.Message)),
        SignalEdited edited => ("signal_edited", SignalDto.From(edited.Signal)),
        SignalDeleted d => ("signal_deleted", new SignalDeletedEventDto(d.ChatId, d.SignalId, d.DeletedAt)),
        TypingStarted t => ("typing", new TypingEventDto(t.ChatId, t.UserId, t.ThreadId, t.Until)),
        StreamReset => ("reset", new ResetEventDto("Events may be missing here (the id cannot be resumed from, or the bus lost some while down): refetch your chats, then go on from this event.")),
        PresenceChanged p => ("presence", PresenceDto.From(p.Presence)),
        _ => throw new ArgumentOutOfRangeException(nameof(liveEvent), liveEvent.GetType().Name, "Unknown event."),
    };
}

public sealed record ReactionEventDto(Guid ChatId, Guid SignalId, Guid UserId, string Emoji, bool Added, int Count);

public sealed record ReceiptEventDto(Guid ChatId, Guid UserId, ReceiptState State, Guid SignalId, DateTimeOffset At);

public sealed record ChatEventDto(Guid ChatId, bool Removed);

public sealed record ResetEventDto(string Detail);

public sealed record CommandAnswerEventDto(Guid ChatId, string Command, string Text, string Visibility);
public sealed record SignalDeletedEventDto(Guid ChatId, Guid SignalId, DateTimeOffset DeletedAt);

public sealed record TypingEventDto(Guid ChatId, Guid UserId, Guid? ThreadId, DateTimeOffset Until);
