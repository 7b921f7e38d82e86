using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Events;
using PetitChat.Core.Paging;
using PetitChat.Core.Threads;

namespace PetitChat.Core.Signals;

/// <summary>Threads: a reply's announcements, and the pages of a thread.</summary>
public sealed partial class SignalService
{
    private static readonly NotFound RootNotFound = new("No such thread root in this chat.");

    /// <summary>
    /// A thread's replies, oldest first: after a reply, before one, or from the first. The root
    /// must be a message of the chat outside any thread (a deleted root still shows its thread).
    /// </summary>
    public async Task<Result<ThreadPage>> ThreadAsync(Guid callerId, Guid chatId, Guid rootId, Guid? before, Guid? after, int? limit, CancellationToken ct)
    {
        if (PageSize.Check(limit, limits) is { } invalidLimit)
        {
            return invalidLimit;
        }

        if (before is not null && after is not null)
        {
            return new Invalid("before", "Give at most one of before and after.");
        }

        if (await roster.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return ChatService.ChatNotFound;
        }

        if (await timeline.GetSignalAsync(chatId, rootId, ct) is not { Kind: SignalKind.Message, ThreadId: null } root)
        {
            return RootNotFound;
        }

        var size = limit ?? limits.DefaultPageSize;
        var fetched = await timeline.GetThreadAsync(chatId, rootId, new TimelineQuery(before, after, size + 1), ct);
        var more = fetched.Count > size;
        // Fetched oldest first; with before= the extra one is the oldest, otherwise the newest.
        // A page bounded on one side has at least its bound beyond that side.
        List<Signal> items;
        bool moreOlder, moreNewer;
        if (before is null)
        {
            items = [.. fetched.Take(size)];
            (moreOlder, moreNewer) = (after is not null && items.Count > 0, more);
        }
        else
        {
            items = [.. fetched.Skip(more ? 1 : 0)];
            (moreOlder, moreNewer) = (more, items.Count > 0);
        }

        var filled = await Quotes.FillAsync(timeline, chatId, [root, .. items], ct);
        var mine = await MyReactionsAsync(chatId, callerId, filled, ct);
        var views = filled.Select(s => new SignalView(s, mine.GetValueOrDefault(s.Id) ?? Empty)).ToList();
        var replies = views.Skip(1).ToList();
        return new ThreadPage(
            views[0],
            replies,
            moreNewer && replies.Count > 0 ? replies[^1].Signal.Id.ToString() : null,
            moreOlder && replies.Count > 0 ? replies[0].Signal.Id.ToString() : null);
    }

    /// <summary>
    /// Publishes the live events, then plans the pushes. Events come first, so that a recipient's
    /// stream does not wait for the queue to take the pushes (on NATS, the JetStream
    /// acknowledgement of the message's fan; docs/decisions/0024, 2026-12-03).
    /// When the bus cannot take the events the send answers 503 "saved" and plans nothing; a
    /// retry with the same clientId publishes and plans again (<paramref name="repeat"/>). A queue
    /// that did not take the pushes answers 503 "saved" as well, after the events went out, so
    /// that the retry queues the pushes.
    /// </summary>
    private async Task AnnounceAsync(Signal stored, bool repeat, CancellationToken ct)
    {
        if (stored.ThreadId is not null)
        {
            await AnnounceReplyAsync(stored, repeat, ct);
            return;
        }

        // Looked up again after the write, for both: recipients are still resolved after the commit
        // (a removal committed meanwhile has dropped the chat from the cache, so it is read again).
        var members = (await rosters.GetAsync(stored.ChatId, CancellationToken.None))?.Members ?? [];
        await fanout.PublishToMembersAsync(new SignalCreated(stored) { Repeat = repeat }, members);
        await notifications.PlanAsync(stored, members);
    }

    /// <summary>
    /// A new thread reply: the reply as a live <c>signal</c> (with its thread id) and the root with
    /// its new summary as <c>signal_edited</c>, then pushes for the thread's participants.
    /// </summary>
    private async Task AnnounceReplyAsync(Signal reply, bool repeat, CancellationToken ct)
    {
        var root = await timeline.GetSignalAsync(reply.ChatId, reply.ThreadId!.Value, ct);
        await fanout.PublishAsync(new SignalCreated(reply) { Repeat = repeat });
        if (root is not null)
        {
            await fanout.PublishAsync(new SignalEdited(await Quotes.FillAsync(timeline, reply.ChatId, root, ct)));
        }

        await notifications.PlanThreadAsync(reply, root?.Thread?.ParticipantIds ?? (root is null ? [] : [root.SenderId]));
    }
}
