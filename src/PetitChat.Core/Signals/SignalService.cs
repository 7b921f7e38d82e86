using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.E2ee;
using PetitChat.Core.Events;
using PetitChat.Core.Files;
using PetitChat.Core.Notifications;
using PetitChat.Core.Paging;
using PetitChat.Core.Search;
using PetitChat.Core.Users;

namespace PetitChat.Core.Signals;

public sealed partial class SignalService(IChatRoster roster, RosterCache rosters, ISignalStore timeline, IUserStore userStore, FileService files, ChatFanout fanout, NotificationPlanner notifications, Ids ids, TimeProvider time, ChatLimits limits, SearchWakeup search, E2eeLimits e2eeLimits)
{
    /// <summary>
    /// Sends a signal. A repeated client id returns the first signal with <c>Created = false</c>,
    /// so a client that retries after a lost response sees one message; within
    /// <see cref="SignalCreated.RepeatWindow"/> the repeat plans and publishes it again, marked as
    /// a repeat, which the queue and the bus drop when the first attempt got them out (it may
    /// have died between its write and its publish). A rejected send writes nothing and publishes nothing.
    /// Once the append starts, the request's cancellation no longer applies: a client that hangs
    /// up after its message is written must not leave it stored but never published, with every
    /// later repeat answering "already sent" (the loss the cluster's fault run found).
    /// </summary>
    public async Task<Result<(SignalView Signal, bool Created)>> SendAsync(Guid callerId, Guid chatId, NewSignal request, CancellationToken ct)
    {
        if (Check(request) is { } invalid)
        {
            return invalid;
        }

        // From memory: members change rarely and every change drops the chat on every node (RosterCache).
        if (await rosters.GetAsync(chatId, ct) is not { } chatRoster || !chatRoster.Has(callerId))
        {
            return ChatService.ChatNotFound;
        }

        if (EncryptedChatRules.Check(chatRoster.Chat, request) is { } plaintext)
        {
            return plaintext;
        }

        // Checked before the append, which stores the ids with the signal in one write.
        if (await files.CheckAttachmentsAsync(callerId, chatId, request.AttachmentIds, ct) is { } badAttachments)
        {
            return badAttachments;
        }

        if (request.ReplyToId is { } replyToId
            && await timeline.GetSignalAsync(chatId, replyToId, ct) is not { DeletedAt: null })
        {
            return new Invalid("replyToId", "replyToId is not a signal of this chat (or it is deleted).");
        }

        if (request.ThreadId is { } threadId
            && await timeline.GetSignalAsync(chatId, threadId, ct) is not { Kind: SignalKind.Message, DeletedAt: null, ThreadId: null })
        {
            return new Invalid("threadId", "threadId is not a root message of this chat: it must be a message of the same chat that is neither deleted nor itself a thread reply.");
        }

        var text = string.IsNullOrWhiteSpace(request.Text) ? null : request.Text;
        var signal = new Signal(ids.Next(), chatId, request.Kind, callerId, text, request.ClientId, time.GetUtcNow(),
            MemberId: null, request.CallUrl, Reactions: [])
        {
            AttachmentIds = request.AttachmentIds,
            Encrypted = request.Encrypted,
            ReplyToId = request.ReplyToId,
            ThreadId = request.ThreadId,
            Mentions = await MentionsAsync(chatRoster, callerId, text, ct),
        };
        ct = CancellationToken.None;
        var (stored, created) = await timeline.AppendSignalAsync(signal, ct);
        stored = await Quotes.FillAsync(timeline, chatId, stored, ct);
        if (created)
        {
            search.Notify();
            await AnnounceAsync(stored, repeat: false, ct);
        }
        else if (time.GetUtcNow() - stored.CreatedAt < SignalCreated.RepeatWindow)
        {
            // Job ids and the bus's message ids come from the signal's id: copies are dropped.
            await AnnounceAsync(stored, repeat: true, ct);
        }

        var mine = created ? [] : await MyReactionsAsync(chatId, callerId, [stored], ct);
        return (new SignalView(stored, mine.GetValueOrDefault(stored.Id) ?? Empty), created);
    }

    /// <summary>
    /// A page of the timeline: before or after a signal, or around one (half older, the signal
    /// itself, half newer), or the newest.
    /// </summary>
    public async Task<Result<TimelinePage>> PageAsync(Guid callerId, Guid chatId, Guid? before, Guid? after, Guid? around, int? limit, CancellationToken ct)
    {
        if (PageSize.Check(limit, limits) is { } invalidLimit)
        {
            return invalidLimit;
        }

        if ((before is null ? 0 : 1) + (after is null ? 0 : 1) + (around is null ? 0 : 1) > 1)
        {
            return new Invalid("before", "Give at most one of before, after and around.");
        }

        if (await roster.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return ChatService.ChatNotFound;
        }

        var size = limit ?? limits.DefaultPageSize;
        List<Signal> items;
        bool moreOlder, moreNewer;
        if (around is { } anchor)
        {
            var center = await timeline.GetSignalAsync(chatId, anchor, ct);
            if (center is null)
            {
                return new NotFound("No such signal in this chat.");
            }

            var newerWanted = (size - 1) / 2;
            var olderWanted = size - 1 - newerWanted;
            var newer = await timeline.GetSignalsAsync(chatId, new TimelineQuery(null, anchor, newerWanted + 1), ct);
            var older = await timeline.GetSignalsAsync(chatId, new TimelineQuery(anchor, null, olderWanted + 1), ct);
            moreNewer = newer.Count > newerWanted;
            moreOlder = older.Count > olderWanted;
            items = [.. newer.Skip(moreNewer ? 1 : 0), center, .. older.Take(olderWanted)];
        }
        else
        {
            var fetched = await timeline.GetSignalsAsync(chatId, new TimelineQuery(before, after, size + 1), ct);
            var more = fetched.Count > size;
            // Fetched newest first; with after= the extra one is the newest, otherwise the oldest.
            // A page bounded on one side has at least its bound beyond that side.
            if (after is null)
            {
                items = [.. fetched.Take(size)];
                (moreOlder, moreNewer) = (more, before is not null && items.Count > 0);
            }
            else
            {
                items = [.. fetched.Skip(more ? 1 : 0)];
                (moreOlder, moreNewer) = (items.Count > 0, more);
            }
        }

        items = [.. await Quotes.FillAsync(timeline, chatId, items, ct)];
        var mine = await MyReactionsAsync(chatId, callerId, items, ct);
        var views = items.Select(s => new SignalView(s, mine.GetValueOrDefault(s.Id) ?? Empty)).ToList();
        return new TimelinePage(
            views,
            moreOlder && views.Count > 0 ? views[^1].Signal.Id.ToString() : null,
            moreNewer && views.Count > 0 ? views[0].Signal.Id.ToString() : null);
    }

    private Invalid? Check(NewSignal request)
    {
        if (string.IsNullOrWhiteSpace(request.ClientId))
        {
            return new Invalid("clientId", "clientId is required: the client's own id for this send, so a retry is not a duplicate.");
        }

        if (request.ClientId.Length > limits.MaxClientIdLength)
        {
            return new Invalid("clientId", $"clientId is at most {limits.MaxClientIdLength} characters.");
        }

        switch (request.Kind)
        {
            case SignalKind.Message when string.IsNullOrWhiteSpace(request.Text) && request.AttachmentIds.Count == 0 && request.Encrypted is null:
                return new Invalid("text", "A message needs text or attachments.");
            case not SignalKind.Message when request.ThreadId is not null:
                return new Invalid("threadId", "Only messages go in a thread.");
            case not SignalKind.Message when request.AttachmentIds.Count > 0:
                return new Invalid("attachmentIds", "Only messages carry attachments.");
            case SignalKind.Message when request.CallUrl is not null:
                return new Invalid("callUrl", "Only call signals carry a callUrl.");
            case SignalKind.MemberJoined or SignalKind.MemberLeft:
                return new Invalid("kind", "Membership signals come from adding and removing members, not from sending.");
        }

        if (request.Encrypted is { } sealedMessage && EncryptedChatRules.CheckPayload(request.Kind, sealedMessage, e2eeLimits) is { } badPayload)
        {
            return badPayload;
        }

        if (request.Text is { Length: var length } && length > limits.MaxTextLength)
        {
            return new Invalid("text", $"text is at most {limits.MaxTextLength} characters.");
        }

        if (request.CallUrl is { } url
            && (url.Length > limits.MaxCallUrlLength
                || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            return new Invalid("callUrl", $"callUrl must be an absolute http(s) URL of at most {limits.MaxCallUrlLength} characters.");
        }

        return null;
    }

    private async Task<IReadOnlyList<Guid>> MentionsAsync(ChatRoster chatRoster, Guid senderId, string? text, CancellationToken ct)
    {
        if (text is null || !text.Contains('@', StringComparison.Ordinal))
        {
            return [];
        }

        var users = await userStore.GetUsersAsync([.. chatRoster.Members.Select(m => m.UserId)], ct);
        return MentionParser.Parse(text, senderId, users, chatRoster.Chat.Kind == ChatKind.Group);
    }

    private async Task<Dictionary<Guid, IReadOnlySet<string>>> MyReactionsAsync(Guid chatId, Guid userId, IReadOnlyList<Signal> signals, CancellationToken ct)
    {
        var withReactions = signals.Where(s => s.Reactions.Count > 0).Select(s => s.Id).ToList();
        var mine = new Dictionary<Guid, IReadOnlySet<string>>();
        if (withReactions.Count == 0)
        {
            return mine;
        }

        foreach (var group in (await timeline.GetUserReactionsAsync(chatId, userId, withReactions, ct)).GroupBy(r => r.SignalId))
        {
            mine[group.Key] = group.Select(r => r.Emoji).ToHashSet();
        }

        return mine;
    }

    private static readonly IReadOnlySet<string> Empty = new HashSet<string>();
}
