using System.Security.Cryptography;
using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Events;
using PetitChat.Core.Notifications;
using PetitChat.Core.Signals;
using PetitChat.Core.Storage;
using PetitChat.Core.Users;

namespace PetitChat.Core.Calls;

/// <summary>
/// Calls in chats: start (one running call per chat), join, leave, end, decline, and the ends
/// that nobody asks for (the last one left, nobody answered in time, Jitsi destroyed the room).
/// Every call-scoped action checks that the caller is a member of the call's chat first: a
/// non-member gets the same "not found" as for a call that does not exist.
/// </summary>
/// <remarks>
/// Events and signals follow the stored change, without the request's cancellation (as in
/// <see cref="ChatFanout"/>): a client that hangs up must not leave the others without them.
/// The <c>call_started</c> and <c>call_ended</c> signals carry a client id made from the call id,
/// so writing one twice (a retry) stores it once.
/// </remarks>
public sealed class CallService(
    ICallStore calls,
    IChatStore store,
    ChatFanout fanout,
    NotificationPlanner notifications,
    Ids ids,
    TimeProvider time,
    CallOptions options)
{
    public static readonly NotFound CallNotFound = new("No such call.");

    /// <summary>Starts a call in the chat, or returns the one already running there (<c>Created = false</c>).</summary>
    public async Task<Result<(Call Call, bool Created)>> StartAsync(Guid callerId, Guid chatId, CallMedia? media, CancellationToken ct)
    {
        if (media is not { } chosen || !Enum.IsDefined(chosen))
        {
            return new Invalid("media", "media is required: \"audio\" or \"video\".");
        }

        if (await store.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return ChatService.ChatNotFound;
        }

        if (await calls.GetRunningAsync(chatId, ct) is { } running)
        {
            return (running, false);
        }

        var now = time.GetUtcNow();
        var call = new Call(ids.Next(), chatId, NewRoom(), chosen, callerId, now, EndedAt: null,
            [new CallParticipant(callerId, now, LeftAt: null)], Version: 1);
        var (stored, created) = await calls.StartAsync(call, ct);
        if (!created)
        {
            return (stored, false);
        }

        var started = new Signal(ids.Next(), chatId, SignalKind.CallStarted, callerId, Text: null, $"call-started-{stored.Id:N}",
            now, MemberId: null, CallUrl: null, Reactions: [])
        {
            Call = new SignalCall(stored.Id, stored.Media, DurationSeconds: null, ParticipantIds: [callerId], Missed: false),
        };
        var (signal, _) = await store.AppendSignalAsync(started, CancellationToken.None);
        await fanout.PublishAsync(new SignalCreated(signal));
        await fanout.PublishAsync(new CallChanged(stored, CallAction.Started, callerId));
        await notifications.PlanAsync(signal);
        return (stored, true);
    }

    /// <summary>The call, for a member of its chat.</summary>
    public async Task<Result<Call>> GetAsync(Guid callerId, Guid callId, CancellationToken ct) =>
        await VisibleAsync(callerId, callId, ct) is { } call ? call : CallNotFound;

    /// <summary>Puts the caller in the running call; an ended call is a conflict.</summary>
    public async Task<Result<Call>> JoinAsync(Guid callerId, Guid callId, CancellationToken ct)
    {
        if (await VisibleAsync(callerId, callId, ct) is not { } call)
        {
            return CallNotFound;
        }

        if (!call.Running || await calls.JoinAsync(callId, callerId, time.GetUtcNow(), ct) is not { } joined)
        {
            return Ended;
        }

        await fanout.PublishAsync(new CallChanged(joined, CallAction.Joined, callerId));
        return joined;
    }

    /// <summary>Takes the caller out of the call; the last one out ends it. Leaving an ended call changes nothing.</summary>
    public async Task<Result<Call>> LeaveAsync(Guid callerId, Guid callId, CancellationToken ct)
    {
        if (await VisibleAsync(callerId, callId, ct) is not { } call)
        {
            return CallNotFound;
        }

        return await LeaveCoreAsync(call, callerId, ct);
    }

    /// <summary>Ends the call for everyone: its starter, the group's creator or an administrator.</summary>
    public async Task<Result<Call>> EndAsync(Guid callerId, IReadOnlyList<string> callerRoles, Guid callId, CancellationToken ct)
    {
        if (await VisibleAsync(callerId, callId, ct) is not { } call)
        {
            return CallNotFound;
        }

        if (call.StartedBy != callerId && !callerRoles.Contains(Roles.Admin)
            && (await store.GetChatAsync(call.ChatId, ct) is not { } chat || chat.CreatedBy != callerId))
        {
            return new Forbidden("Only the call's starter, the group's creator or an administrator ends a call for everyone.");
        }

        if (!call.Running)
        {
            return call;
        }

        return await EndCoreAsync(call.Id, expectedVersion: null, callerId) ?? await calls.GetAsync(call.Id, ct) ?? call;
    }

    /// <summary>The caller will not join: the starter (and the caller's other devices) are told. Nothing is stored.</summary>
    public async Task<Result<Call>> DeclineAsync(Guid callerId, Guid callId, CancellationToken ct)
    {
        if (await VisibleAsync(callerId, callId, ct) is not { } call)
        {
            return CallNotFound;
        }

        if (!call.Running)
        {
            return Ended;
        }

        await fanout.PublishToAsync(new CallChanged(call, CallAction.Declined, callerId), [call.StartedBy, callerId]);
        return call;
    }

    /// <summary>Ends, as missed, the running calls that nobody answered within the ring timeout. Returns how many this node ended.</summary>
    public async Task<int> EndUnansweredAsync(CancellationToken ct)
    {
        var due = await calls.GetUnansweredAsync(time.GetUtcNow() - options.RingTimeout, options.SweepBatch, ct);
        var ended = 0;
        foreach (var call in due)
        {
            // Conditional on the version read: a join that just happened keeps the call running;
            // another node sweeping the same call at once makes this end return null.
            if (await EndCoreAsync(call.Id, call.Version, call.StartedBy) is not null)
            {
                ended++;
            }
        }

        return ended;
    }

    /// <summary>A Jitsi occupant joined the call's room: the same as the member joining, when they are one.</summary>
    public async Task<Result<Call>> OccupantJoinedAsync(string room, Guid userId, CancellationToken ct)
    {
        if (await OccupantCallAsync(room, userId, ct) is not { } call)
        {
            return CallNotFound;
        }

        if (!call.Running || await calls.JoinAsync(call.Id, userId, time.GetUtcNow(), ct) is not { } joined)
        {
            return Ended;
        }

        await fanout.PublishAsync(new CallChanged(joined, CallAction.Joined, userId));
        return joined;
    }

    /// <summary>
    /// A Jitsi occupant left the call's room. Someone who was in the call leaves it even when they
    /// are no longer a member of its chat (they left the chat during the call): Jitsi saw them go.
    /// </summary>
    public async Task<Result<Call>> OccupantLeftAsync(string room, Guid userId, CancellationToken ct)
    {
        var call = await calls.GetByRoomAsync(room, ct);
        if (call is null || (!call.Participants.Any(p => p.UserId == userId) && await store.GetMemberAsync(call.ChatId, userId, ct) is null))
        {
            return CallNotFound;
        }

        return await LeaveCoreAsync(call, userId, ct);
    }

    /// <summary>
    /// Someone left the chat (or was removed): they leave its running call too, which ends it when
    /// no member is left in it. Without this, the last one in a call who left the chat kept it
    /// running: nobody else was in it to leave, and they could no longer leave it themselves.
    /// </summary>
    public async Task MemberLeftChatAsync(Guid chatId, Guid userId, CancellationToken ct)
    {
        if (await calls.GetRunningAsync(chatId, ct) is { } running)
        {
            await LeaveCoreAsync(running, userId, ct);
        }
    }

    /// <summary>Jitsi destroyed the room (everyone left the conference): the call ends.</summary>
    public async Task<Result<Call>> RoomDestroyedAsync(string room, CancellationToken ct)
    {
        if (await calls.GetByRoomAsync(room, ct) is not { } call)
        {
            return CallNotFound;
        }

        if (!call.Running)
        {
            return call;
        }

        return await EndCoreAsync(call.Id, expectedVersion: null, call.StartedBy) ?? await calls.GetAsync(call.Id, ct) ?? call;
    }

    /// <summary>Whether the room belongs to a call (Jitsi's room-created event).</summary>
    public async Task<Result<Call>> RoomCreatedAsync(string room, CancellationToken ct) =>
        await calls.GetByRoomAsync(room, ct) is { } call ? call : CallNotFound;

    private static readonly Conflict Ended = new("The call has ended.");

    private async Task<Call?> VisibleAsync(Guid callerId, Guid callId, CancellationToken ct)
    {
        var call = await calls.GetAsync(callId, ct);
        return call is not null && await store.GetMemberAsync(call.ChatId, callerId, ct) is not null ? call : null;
    }

    private async Task<Call?> OccupantCallAsync(string room, Guid userId, CancellationToken ct)
    {
        var call = await calls.GetByRoomAsync(room, ct);
        return call is not null && await store.GetMemberAsync(call.ChatId, userId, ct) is not null ? call : null;
    }

    private async Task<Result<Call>> LeaveCoreAsync(Call call, Guid userId, CancellationToken ct)
    {
        // Someone who is not in the call changes nothing and tells nobody.
        if (!call.Running || !IsIn(call, userId))
        {
            return call;
        }

        if (await calls.LeaveAsync(call.Id, userId, time.GetUtcNow(), ct) is not { } left)
        {
            return await calls.GetAsync(call.Id, ct) ?? call;
        }

        await fanout.PublishAsync(new CallChanged(left, CallAction.Left, userId));
        if (!await OccupiedByMembersAsync(left, ct))
        {
            // Conditional on the version after this leave: someone joining in between keeps it running.
            return await EndCoreAsync(left.Id, left.Version, userId) ?? await calls.GetAsync(left.Id, ct) ?? left;
        }

        return left;
    }

    private static bool IsIn(Call call, Guid userId)
    {
        foreach (var participant in call.Participants)
        {
            if (participant.UserId == userId && participant.LeftAt is null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a member of the chat is still in the call. Someone who left the chat during the call
    /// can no longer leave it (404), so they do not keep it running once every member is out.
    /// </summary>
    private async Task<bool> OccupiedByMembersAsync(Call call, CancellationToken ct)
    {
        foreach (var participant in call.Participants)
        {
            if (participant.LeftAt is null && await store.GetMemberAsync(call.ChatId, participant.UserId, ct) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Ends the call in the store; the one writer that did writes the signal and publishes.</summary>
    private async Task<Call?> EndCoreAsync(Guid callId, long? expectedVersion, Guid endedBy)
    {
        var now = time.GetUtcNow();
        if (await calls.EndAsync(callId, now, expectedVersion, CancellationToken.None) is not { } ended)
        {
            return null;
        }

        var endedAt = ended.EndedAt ?? now;
        var duration = (int)Math.Max(0, Math.Round((endedAt - ended.StartedAt).TotalSeconds, MidpointRounding.AwayFromZero));
        var signal = new Signal(ids.Next(), ended.ChatId, SignalKind.CallEnded, ended.StartedBy, Text: null, $"call-ended-{ended.Id:N}",
            endedAt, MemberId: null, CallUrl: null, Reactions: [])
        {
            Call = new SignalCall(ended.Id, ended.Media, duration, [.. ended.Participants.Select(p => p.UserId)], Missed: !ended.Answered),
        };
        var (stored, created) = await store.AppendSignalAsync(signal, CancellationToken.None);
        if (created)
        {
            await fanout.PublishAsync(new SignalCreated(stored));
        }

        await fanout.PublishAsync(new CallChanged(ended, CallAction.Ended, endedBy));
        return ended;
    }

    private static string NewRoom() => "petitchat-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
