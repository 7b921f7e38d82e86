using PetitChat.Core.Apps;
using PetitChat.Core.Events;
using PetitChat.Core.Signals;
using PetitChat.Server.Events;
using PetitChat.Server.Signals;

namespace PetitChat.Server.Apps;

/// <summary>
/// Which live events become app events, in this one table: the app event type, who caused it
/// (an app is not sent what its own bot did) and the payload, in the API's shapes. A live event
/// not listed here is not sent to apps; a new one is one line.
/// </summary>
public static class AppEvents
{
    public static (string Type, Guid ActorId, object Payload)? Of(LiveEvent liveEvent) => liveEvent switch
    {
        SignalCreated { Signal: var s } => s.Kind switch
        {
            SignalKind.Message => (AppEventNames.SignalCreated, s.SenderId, SignalDto.From(s)),
            SignalKind.MemberJoined => (AppEventNames.MemberJoined, s.SenderId, SignalDto.From(s)),
            SignalKind.MemberLeft => (AppEventNames.MemberLeft, s.SenderId, SignalDto.From(s)),
            SignalKind.CallStarted => (AppEventNames.CallStarted, s.SenderId, SignalDto.From(s)),
            SignalKind.CallEnded => (AppEventNames.CallEnded, s.SenderId, SignalDto.From(s)),
            _ => null,
        },
        ReactionChanged r => (AppEventNames.ReactionChanged, r.UserId, new ReactionEventDto(r.ChatId, r.SignalId, r.UserId, r.Emoji, r.Added, r.Count)),
        // Only the sender edits; a deletion does not say who deleted (the sender, the group's
        // creator or an admin), so no bot is assumed to have caused it.
        SignalEdited { Signal: var s } => (AppEventNames.SignalEdited, s.SenderId, SignalDto.From(s)),
        SignalDeleted d => (AppEventNames.SignalDeleted, Guid.Empty, new SignalDeletedEventDto(d.ChatId, d.SignalId, d.DeletedAt)),
        _ => null,
    };
}
