using PetitChat.Core.Calls;
using PetitChat.Core.Common;
using PetitChat.Core.Events;
using PetitChat.Core.Paging;
using PetitChat.Core.Signals;
using PetitChat.Core.Users;

namespace PetitChat.Core.Chats;

/// <summary>Chats and their membership. Every call checks that the caller is a member first.</summary>
/// <remarks><paramref name="calls"/> is left out only where no calls run (the pages benchmark).</remarks>
public sealed class ChatService(IUserStore userStore, IChatRoster roster, ISignalStore timeline, ChatFanout fanout, Ids ids, TimeProvider time, ChatLimits limits, RosterCache rosters,
    CallService? calls = null)
{
    public async Task<Result<(ChatView Chat, bool Created)>> CreateAsync(Guid callerId, NewChat request, CancellationToken ct)
    {
        if (request.MemberIds.Count == 0)
        {
            return new Invalid("memberIds", "memberIds must name at least one other user.");
        }

        // A list longer than a group may hold even with duplicates is refused before any work on
        // it; duplicates go through a set (a List.Contains loop was quadratic in the list's length).
        if (request.MemberIds.Count > limits.MaxGroupMembers * 2)
        {
            return new Invalid("memberIds", $"A group has at most {limits.MaxGroupMembers} members.");
        }

        var seen = new HashSet<Guid> { callerId };
        var memberIds = new List<Guid> { callerId };
        foreach (var id in request.MemberIds)
        {
            if (seen.Add(id))
            {
                memberIds.Add(id);
            }
        }

        if (memberIds.Count == 1)
        {
            return new Invalid("memberIds", "memberIds must name at least one user other than you.");
        }

        var name = string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim();
        if (request.Encrypted && request.Kind == ChatKind.Direct)
        {
            return new Invalid("encrypted", "An encrypted chat is a group (the direct chat of a pair stays as it is): leave out kind or use group.");
        }

        var kind = request.Kind ?? (name is null && memberIds.Count == 2 && !request.Encrypted ? ChatKind.Direct : ChatKind.Group);
        switch (kind)
        {
            case ChatKind.Direct when memberIds.Count != 2:
                return new Invalid("memberIds", "A direct chat has exactly two members: you and one other user.");
            case ChatKind.Direct when name is not null:
                return new Invalid("name", "A direct chat has no name.");
            case ChatKind.Group when name is null:
                return new Invalid("name", "A group needs a name.");
            case ChatKind.Group when name.Length > limits.MaxGroupNameLength:
                return new Invalid("name", $"A group name is at most {limits.MaxGroupNameLength} characters.");
            case ChatKind.Group when memberIds.Count < 2:
                return new Invalid("memberIds", "A group has at least two members.");
            case ChatKind.Group when memberIds.Count > limits.MaxGroupMembers:
                return new Invalid("memberIds", $"A group has at most {limits.MaxGroupMembers} members.");
        }

        var users = await userStore.GetUsersAsync(memberIds, ct);
        if (users.Count != memberIds.Count)
        {
            return new Invalid("memberIds", "Some of memberIds are not known users.");
        }

        var now = time.GetUtcNow();
        var chat = new Chat(ids.Next(), kind, name, callerId, now, now, LastSignalId: null) { Encrypted = request.Encrypted };
        (Chat Chat, bool Created)? made = null;
        try
        {
            made = await roster.CreateChatAsync(chat, memberIds, ct);
        }
        finally
        {
            // Its members are each other's partners now, on every node. Also when the store
            // failed: it may have committed before it did. An existing direct chat changed nothing.
            if (made is not { Created: false })
            {
                await rosters.ChangedAsync(new RosterChange(chat.Id, memberIds));
            }
        }

        var (stored, created) = made.Value;
        if (created)
        {
            await fanout.PublishAsync(new ChatChanged(stored.Id, Removed: false));
        }

        return (await ViewAsync(callerId, stored.Id, ct) ?? throw new InvalidOperationException("A chat just created has its creator."), created);
    }

    public async Task<Result<ChatView>> GetAsync(Guid callerId, Guid chatId, CancellationToken ct) =>
        await ViewAsync(callerId, chatId, ct) is { } view ? view : ChatNotFound;

    public async Task<Result<Page<ChatView>>> ListAsync(Guid callerId, int? limit, string? cursor, CancellationToken ct)
    {
        if (PageSize.Check(limit, limits) is { } invalid)
        {
            return invalid;
        }

        var page = await roster.ListChatsAsync(callerId, limit ?? limits.DefaultPageSize, cursor, ct);
        return new Page<ChatView>(await ViewsAsync(callerId, page.Items, ct), page.NextCursor);
    }

    /// <summary>Adds a user to a group; adding a current member changes nothing and succeeds.</summary>
    public async Task<Result<ChatView>> AddMemberAsync(Guid callerId, Guid chatId, Guid userId, CancellationToken ct)
    {
        var chat = await roster.GetChatAsync(chatId, ct);
        if (chat is null || await roster.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return ChatNotFound;
        }

        if (chat.Kind == ChatKind.Direct)
        {
            return new Conflict("A direct chat has exactly two members; create a group to add someone.");
        }

        if (await userStore.GetUserAsync(userId, ct) is null)
        {
            return new Invalid("userId", "userId is not a known user.");
        }

        var joined = NewMembershipSignal(chatId, SignalKind.MemberJoined, callerId, userId);
        AddMemberResult added;
        try
        {
            added = await roster.AddMemberAsync(chatId, userId, joined, limits.MaxGroupMembers, ct);
        }
        finally
        {
            // Also when the store failed: it may have committed before it did.
            await rosters.ChangedAsync(await ChangeOfAsync(chatId, userId));
        }

        switch (added)
        {
            case AddMemberResult.ChatFull:
                return new Conflict($"A group has at most {limits.MaxGroupMembers} members.");
            case AddMemberResult.Added:
                await fanout.PublishAsync(new SignalCreated(joined));
                await fanout.PublishAsync(new ChatChanged(chatId, Removed: false));
                break;
        }

        return await GetAsync(callerId, chatId, ct);
    }

    /// <summary>
    /// Removes a member from a group, or lets the caller leave. Removing someone else takes the
    /// group's creator or an administrator, as in Slack's private channels.
    /// </summary>
    public async Task<Result<bool>> RemoveMemberAsync(Guid callerId, IReadOnlyList<string> callerRoles, Guid chatId, Guid userId, CancellationToken ct)
    {
        var chat = await roster.GetChatAsync(chatId, ct);
        if (chat is null || await roster.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return ChatNotFound;
        }

        if (chat.Kind == ChatKind.Direct)
        {
            return new Conflict("Nobody leaves a direct chat; it has exactly two members.");
        }

        if (userId != callerId && chat.CreatedBy != callerId && !callerRoles.Contains(Roles.Admin))
        {
            return new Forbidden("Only the group's creator or an administrator removes other members.");
        }

        var left = NewMembershipSignal(chatId, SignalKind.MemberLeft, callerId, userId);
        bool removed;
        try
        {
            removed = await roster.RemoveMemberAsync(chatId, userId, left, ct);
        }
        finally
        {
            // Before the answer, so the removed member's next send on this node is refused; also
            // when the store failed, which may have committed before it did.
            await rosters.ChangedAsync(await ChangeOfAsync(chatId, userId));
        }

        if (!removed)
        {
            return new NotFound("userId is not a member of this chat.");
        }

        // The one who left sees the signal and learns to drop the chat; the rest see the signal.
        await fanout.PublishAsync(new SignalCreated(left), userId);
        await fanout.PublishAsync(new ChatChanged(chatId, Removed: false));
        await fanout.PublishToAsync(new ChatChanged(chatId, Removed: true), [userId]);

        // Out of the chat is out of its call: the last one in a call who left the chat would
        // otherwise keep it running, with nobody left who may leave it. Not cancelled with the
        // request: a client that hangs up must not leave the call running.
        if (calls is not null)
        {
            await calls.MemberLeftChatAsync(chatId, userId, CancellationToken.None);
        }

        return true;
    }

    /// <summary>
    /// Renames a group; any member may, as in Slack's private channels. A <c>chat_renamed</c>
    /// signal records the old and new names. The same name again changes nothing.
    /// </summary>
    public async Task<Result<ChatView>> RenameAsync(Guid callerId, Guid chatId, string? name, CancellationToken ct)
    {
        var newName = name?.Trim();
        if (string.IsNullOrEmpty(newName))
        {
            return new Invalid("name", "name is required.");
        }

        if (newName.Length > limits.MaxGroupNameLength)
        {
            return new Invalid("name", $"A group name is at most {limits.MaxGroupNameLength} characters.");
        }

        var chat = await roster.GetChatAsync(chatId, ct);
        if (chat is null || await roster.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return ChatNotFound;
        }

        if (chat.Kind == ChatKind.Direct)
        {
            return new Invalid("name", "A direct chat has no name.");
        }

        if (chat.Name != newName)
        {
            var renamed = new Signal(ids.Next(), chatId, SignalKind.ChatRenamed, callerId, Text: null, ClientId: null, time.GetUtcNow(),
                MemberId: null, CallUrl: null, Reactions: [])
            {
                OldName = chat.Name,
                NewName = newName,
            };
            if (!await roster.RenameChatAsync(chatId, chat.Name, renamed, ct))
            {
                return new Conflict("The group was renamed meanwhile; reload it and try again.");
            }

            await fanout.PublishAsync(new SignalCreated(renamed));
            await fanout.PublishAsync(new ChatChanged(chatId, Removed: false));
        }

        return await GetAsync(callerId, chatId, ct);
    }

    internal static NotFound ChatNotFound { get; } = new("No such chat.");

    /// <summary>How many of a chat's unread signals are looked at for mentions.</summary>
    private const int UnreadMentionScan = 100;

    /// <summary>
    /// Others' unread signals that mention me, among the newest 100 after my read pointer: a
    /// badge reads "99+" beyond that, and the scan stays bounded for every adapter. Read for all
    /// the chats with unread signals at once, from the read pointers in <paramref name="members"/>.
    /// </summary>
    private async Task<Dictionary<Guid, int>> UnreadMentionsAsync(
        Guid callerId, IReadOnlyList<ChatSummary> summaries, IReadOnlyDictionary<Guid, IReadOnlyList<ChatMember>> members, CancellationToken ct)
    {
        var afterByChat = new Dictionary<Guid, Guid?>();
        foreach (var summary in summaries)
        {
            if (summary.UnreadCount > 0)
            {
                var me = members.GetValueOrDefault(summary.Chat.Id)?.FirstOrDefault(m => m.UserId == callerId);
                afterByChat[summary.Chat.Id] = me?.Read?.SignalId;
            }
        }

        var counts = new Dictionary<Guid, int>();
        if (afterByChat.Count == 0)
        {
            return counts;
        }

        foreach (var (chatId, unread) in await timeline.GetSignalsAfterAsync(afterByChat, UnreadMentionScan, ct))
        {
            var count = 0;
            foreach (var signal in unread)
            {
                if (signal.SenderId != callerId && signal.DeletedAt is null && signal.Mentions.Contains(callerId))
                {
                    count++;
                }
            }

            counts[chatId] = count;
        }

        return counts;
    }

    /// <summary>
    /// The change to tell after <paramref name="userId"/> joined or left: they and the members
    /// after it had their chat partners changed. When the members cannot be read (the store that
    /// just failed the change), the change names nobody, and every node drops every user's partners.
    /// </summary>
    private async Task<RosterChange> ChangeOfAsync(Guid chatId, Guid userId)
    {
        try
        {
            var users = new HashSet<Guid> { userId };
            foreach (var member in await roster.GetMembersAsync(chatId, CancellationToken.None))
            {
                users.Add(member.UserId);
            }

            return new RosterChange(chatId, users);
        }
#pragma warning disable CA1031 // The change is made (or may be): it is told anyway, naming nobody.
        catch (Exception)
#pragma warning restore CA1031
        {
            return new RosterChange(chatId, null);
        }
    }

    private Signal NewMembershipSignal(Guid chatId, SignalKind kind, Guid senderId, Guid memberId) =>
        new(ids.Next(), chatId, kind, senderId, Text: null, ClientId: null, time.GetUtcNow(), memberId, CallUrl: null, Reactions: []);

    private async Task<ChatView?> ViewAsync(Guid callerId, Guid chatId, CancellationToken ct) =>
        await roster.GetChatSummaryAsync(chatId, callerId, ct) is { } summary ? (await ViewsAsync(callerId, [summary], ct))[0] : null;

    /// <summary>
    /// The views of a page of chats in a constant number of store reads, whatever the number of
    /// chats or members on it: every chat's members at once, their users at once, and the unread
    /// signals of every chat with some at once.
    /// </summary>
    private async Task<List<ChatView>> ViewsAsync(Guid callerId, IReadOnlyList<ChatSummary> summaries, CancellationToken ct)
    {
        var items = new List<ChatView>(summaries.Count);
        if (summaries.Count == 0)
        {
            return items;
        }

        var members = await roster.GetMembersOfChatsAsync([.. summaries.Select(s => s.Chat.Id)], ct);
        var userIds = new HashSet<Guid>();
        foreach (var list in members.Values)
        {
            foreach (var member in list)
            {
                userIds.Add(member.UserId);
            }
        }

        var users = (await userStore.GetUsersAsync(userIds, ct)).ToDictionary(u => u.Id);
        var mentions = await UnreadMentionsAsync(callerId, summaries, members, ct);
        foreach (var summary in summaries)
        {
            IReadOnlyList<User> chatMembers = [.. (members.GetValueOrDefault(summary.Chat.Id) ?? [])
                .Where(m => users.ContainsKey(m.UserId)).Select(m => users[m.UserId])];
            items.Add(new ChatView(summary, chatMembers) { UnreadMentions = mentions.GetValueOrDefault(summary.Chat.Id) });
        }

        return items;
    }
}
