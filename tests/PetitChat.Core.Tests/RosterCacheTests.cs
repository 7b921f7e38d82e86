using PetitChat.Core.Chats;
using PetitChat.Core.Paging;
using PetitChat.Core.Signals;

namespace PetitChat.Core.Tests;

public sealed class RosterCacheTests
{
    private static readonly RosterCacheOptions Options = new() { MaxAge = TimeSpan.FromSeconds(10), MaxChats = 100 };

    [Fact]
    public async Task Members_are_read_from_the_store_once_within_their_max_age()
    {
        var (store, chatId, alice) = Store();
        var cache = new RosterCache(store, new Notices(), new SteppedTime(), Options);

        for (var i = 0; i < 5; i++)
        {
            Assert.True((await cache.GetAsync(chatId, default))!.Has(alice));
        }

        Assert.Equal(1, store.MemberReads);
    }

    [Fact]
    public async Task Members_older_than_their_max_age_are_read_again()
    {
        var (store, chatId, _) = Store();
        var time = new SteppedTime();
        var cache = new RosterCache(store, new Notices(), time, Options);

        await cache.GetAsync(chatId, default);
        time.Advance(Options.MaxAge);
        await cache.GetAsync(chatId, default);

        Assert.Equal(2, store.MemberReads);
    }

    [Fact]
    public async Task A_change_on_this_node_drops_the_chat_and_tells_the_other_nodes()
    {
        var (store, chatId, alice) = Store();
        var notices = new Notices();
        var cache = new RosterCache(store, notices, new SteppedTime(), Options);
        await cache.GetAsync(chatId, default);

        var followed = new List<RosterChange>();
        cache.Changed += followed.Add;

        store.Members.RemoveAll(m => m.UserId == alice);
        var change = new RosterChange(chatId, [alice]);
        await cache.ChangedAsync(change);

        Assert.False((await cache.GetAsync(chatId, default))!.Has(alice));
        Assert.Equal([change], notices.Published);
        Assert.Equal([change], followed);
    }

    [Fact]
    public async Task A_notice_from_another_node_drops_the_chat_and_a_reconnect_drops_every_chat()
    {
        var (store, chatId, alice) = Store();
        var notices = new Notices();
        var cache = new RosterCache(store, notices, new SteppedTime(), Options);
        var (followed, missed) = (new List<RosterChange>(), 0);
        cache.Changed += followed.Add;
        cache.Missed += () => missed++;
        await using var listening = await cache.ListenAsync(default);
        await cache.GetAsync(chatId, default);

        store.Members.RemoveAll(m => m.UserId == alice);
        var change = new RosterChange(chatId, [alice]);
        notices.Changed!(change);
        Assert.False((await cache.GetAsync(chatId, default))!.Has(alice));
        Assert.Equal([change], followed);

        store.Members.Add(new ChatMember(chatId, alice, DateTimeOffset.UnixEpoch, null, null));
        notices.Missed!();
        Assert.True((await cache.GetAsync(chatId, default))!.Has(alice));
        Assert.Equal(3, store.MemberReads);
        Assert.Equal(1, missed);
    }

    [Fact]
    public async Task A_read_that_overlaps_a_change_is_not_kept()
    {
        var (store, chatId, alice) = Store();
        var cache = new RosterCache(store, new Notices(), new SteppedTime(), Options);
        var reading = new TaskCompletionSource();
        store.Hold = reading.Task;

        // The read has the old members when the removal commits and drops the chat.
        var stale = cache.GetAsync(chatId, default).AsTask();
        await store.Reading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        store.Members.RemoveAll(m => m.UserId == alice);
        cache.Forget(chatId);
        store.Hold = null;
        reading.SetResult();

        Assert.True((await stale)!.Has(alice));
        Assert.False((await cache.GetAsync(chatId, default))!.Has(alice));
    }

    [Fact]
    public async Task A_chat_that_does_not_exist_is_not_kept()
    {
        var (store, _, _) = Store();
        var cache = new RosterCache(store, new Notices(), new SteppedTime(), Options);
        var unknown = Guid.NewGuid();

        Assert.Null(await cache.GetAsync(unknown, default));
        Assert.Null(await cache.GetAsync(unknown, default));

        Assert.Equal(2, store.ChatReads);
    }

    [Fact]
    public async Task No_more_chats_than_the_limit_are_kept()
    {
        var store = new Roster();
        var cache = new RosterCache(store, new Notices(), new SteppedTime(), Options with { MaxChats = 3 });
        var chats = Enumerable.Range(0, 4).Select(_ => store.AddChat()).ToList();

        foreach (var chatId in chats)
        {
            await cache.GetAsync(chatId, default);
        }

        // The fourth did not fit beside three fresh ones: they were dropped for it.
        await cache.GetAsync(chats[0], default);
        await cache.GetAsync(chats[3], default);
        Assert.Equal(5, store.MemberReads);
    }

    [Fact]
    public async Task A_max_age_of_zero_reads_the_store_every_time()
    {
        var (store, chatId, _) = Store();
        var cache = new RosterCache(store, new Notices(), new SteppedTime(), Options with { MaxAge = TimeSpan.Zero });

        await cache.GetAsync(chatId, default);
        await cache.GetAsync(chatId, default);

        Assert.Equal(2, store.MemberReads);
    }

    private static (Roster Store, Guid ChatId, Guid Alice) Store()
    {
        var store = new Roster();
        var chatId = store.AddChat();
        var alice = Guid.NewGuid();
        store.Members.Add(new ChatMember(chatId, alice, DateTimeOffset.UnixEpoch, null, null));
        return (store, chatId, alice);
    }

    /// <summary>A store of chats and one list of members (shared by every chat), counting reads.</summary>
    private sealed class Roster : IChatRoster
    {
        private readonly HashSet<Guid> _chats = [];

        public List<ChatMember> Members { get; } = [];

        public int MemberReads { get; private set; }

        public int ChatReads { get; private set; }

        /// <summary>When set, a members read waits for it, after reading.</summary>
        public Task? Hold { get; set; }

        public TaskCompletionSource Reading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Guid AddChat()
        {
            var id = Guid.NewGuid();
            _chats.Add(id);
            return id;
        }

        public Task<Chat?> GetChatAsync(Guid chatId, CancellationToken ct)
        {
            ChatReads++;
            return Task.FromResult(_chats.Contains(chatId)
                ? new Chat(chatId, ChatKind.Group, "g", Guid.Empty, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null)
                : null);
        }

        public async Task<IReadOnlyList<ChatMember>> GetMembersAsync(Guid chatId, CancellationToken ct)
        {
            MemberReads++;
            List<ChatMember> read = [.. Members];
            if (Hold is { } hold)
            {
                Reading.TrySetResult();
                await hold;
            }

            return read;
        }

        public Task<(Chat Chat, bool Created)> CreateChatAsync(Chat chat, IReadOnlyList<Guid> memberIds, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyDictionary<Guid, IReadOnlyList<ChatMember>>> GetMembersOfChatsAsync(IReadOnlyCollection<Guid> chatIds, CancellationToken ct) => throw new NotSupportedException();

        public Task<ChatMember?> GetMemberAsync(Guid chatId, Guid userId, CancellationToken ct) => throw new NotSupportedException();

        public Task<AddMemberResult> AddMemberAsync(Guid chatId, Guid userId, Signal joined, int maxMembers, CancellationToken ct) => throw new NotSupportedException();

        public Task<bool> RemoveMemberAsync(Guid chatId, Guid userId, Signal left, CancellationToken ct) => throw new NotSupportedException();

        public Task<Page<ChatSummary>> ListChatsAsync(Guid userId, int limit, string? cursor, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<ChatRef>> ListChatRefsAsync(Guid userId, int limit, CancellationToken ct) => throw new NotSupportedException();

        public Task<ChatSummary?> GetChatSummaryAsync(Guid chatId, Guid userId, CancellationToken ct) => throw new NotSupportedException();

        public Task<bool> RenameChatAsync(Guid chatId, string? expectedName, Signal renamed, CancellationToken ct) => throw new NotSupportedException();
    }
}
