using PetitChat.Core.Chats;
using PetitChat.Core.Paging;
using PetitChat.Core.Presence;
using PetitChat.Core.Signals;

namespace PetitChat.Core.Tests;

public sealed class ChatPartnersTests
{
    private static readonly PresenceOptions Options = new() { PartnerCacheFor = TimeSpan.FromHours(1) };

    private readonly Guid _alice = Guid.NewGuid(), _bob = Guid.NewGuid(), _carol = Guid.NewGuid(), _dave = Guid.NewGuid();

    [Fact]
    public async Task A_change_made_here_drops_the_partners_of_the_users_it_names_and_no_others()
    {
        var (store, rosters, partners) = Start();
        var team = store.Add(_alice, _bob);
        store.Add(_carol, _dave);
        Is(await partners.GetAsync(_alice, refresh: false, default), _bob);
        Is(await partners.GetAsync(_carol, refresh: false, default), _dave);

        store.Join(team, _carol);
        await rosters.ChangedAsync(new RosterChange(team, [_alice, _bob, _carol]));

        Is(await partners.GetAsync(_alice, refresh: false, default), _bob, _carol);
        Is(await partners.GetAsync(_carol, refresh: false, default), _alice, _bob, _dave);
        Is(await partners.GetAsync(_dave, refresh: false, default), _carol);
        await partners.GetAsync(_alice, refresh: false, default);
        Assert.Equal(5, store.ListReads);
    }

    [Fact]
    public async Task Another_nodes_notice_drops_the_users_it_names_one_naming_nobody_drops_everyone_and_so_does_a_reconnect()
    {
        var (store, notices) = (new Roster(), new Notices());
        var rosters = new RosterCache(store, notices, TimeProvider.System, RosterCacheOptions.Default);
        var partners = new ChatPartners(store, rosters, Options, TimeProvider.System);
        await using var listening = await rosters.ListenAsync(default);
        var team = store.Add(_alice, _bob);
        await partners.GetAsync(_alice, refresh: false, default);
        await partners.GetAsync(_carol, refresh: false, default);

        store.Join(team, _carol);
        notices.Changed!(new RosterChange(team, [_alice, _bob, _carol]));
        Is(await partners.GetAsync(_carol, refresh: false, default), _alice, _bob);
        Assert.Equal(3, store.ListReads);

        notices.Changed!(new RosterChange(Guid.NewGuid(), null));
        await partners.GetAsync(_alice, refresh: false, default);
        await partners.GetAsync(_carol, refresh: false, default);
        Assert.Equal(5, store.ListReads);

        notices.Missed!();
        await partners.GetAsync(_alice, refresh: false, default);
        Assert.Equal(6, store.ListReads);
    }

    [Fact]
    public async Task A_read_that_overlaps_a_change_is_returned_but_not_kept()
    {
        var (store, rosters, partners) = Start();
        var team = store.Add(_alice, _bob, _carol);
        var reading = new TaskCompletionSource();
        store.Hold = reading.Task;

        // The read has listed Carol's chats when her leaving commits and drops her partners.
        var stale = partners.GetAsync(_carol, refresh: false, default);
        await store.Reading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        store.Leave(team, _carol);
        await rosters.ChangedAsync(new RosterChange(team, [_alice, _bob, _carol]));
        store.Hold = null;
        reading.SetResult();

        Is(await stale, _alice, _bob);
        Is(await partners.GetAsync(_carol, refresh: false, default));
        Assert.Equal(2, store.ListReads);
    }

    [Fact]
    public async Task Partners_older_than_the_cache_time_are_read_again_and_zero_keeps_none()
    {
        var store = new Roster();
        store.Add(_alice, _bob);
        var time = new SteppedTime();
        var rosters = new RosterCache(store, new Notices(), time, RosterCacheOptions.Default);
        var partners = new ChatPartners(store, rosters, Options with { PartnerCacheFor = TimeSpan.FromSeconds(10) }, time);
        var none = new ChatPartners(store, rosters, Options with { PartnerCacheFor = TimeSpan.Zero }, time);

        await partners.GetAsync(_alice, refresh: false, default);
        time.Advance(TimeSpan.FromSeconds(10));
        await partners.GetAsync(_alice, refresh: false, default);
        await partners.GetAsync(_alice, refresh: false, default);
        Assert.Equal(2, store.ListReads);

        await none.GetAsync(_alice, refresh: false, default);
        await none.GetAsync(_alice, refresh: false, default);
        Assert.Equal(4, store.ListReads);
    }

    private static void Is(IReadOnlySet<Guid> actual, params Guid[] expected) => Assert.Equal(expected.Order(), actual.Order());

    private static (Roster Store, RosterCache Rosters, ChatPartners Partners) Start()
    {
        var store = new Roster();
        var rosters = new RosterCache(store, new Notices(), TimeProvider.System, RosterCacheOptions.Default);
        return (store, rosters, new ChatPartners(store, rosters, Options, TimeProvider.System));
    }

    /// <summary>Chats and their members in memory, counting the reads of a user's chats.</summary>
    private sealed class Roster : IChatRoster
    {
        private readonly Dictionary<Guid, List<Guid>> _members = [];

        public int ListReads { get; private set; }

        /// <summary>When set, a read of a user's chats waits for it, after reading.</summary>
        public Task? Hold { get; set; }

        public TaskCompletionSource Reading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Guid Add(params Guid[] users)
        {
            var id = Guid.NewGuid();
            _members[id] = [.. users];
            return id;
        }

        public void Join(Guid chatId, Guid userId) => _members[chatId].Add(userId);

        public void Leave(Guid chatId, Guid userId) => _members[chatId].Remove(userId);

        public async Task<Page<ChatSummary>> ListChatsAsync(Guid userId, int limit, string? cursor, CancellationToken ct)
        {
            ListReads++;
            List<ChatSummary> read = [.. _members.Where(c => c.Value.Contains(userId)).Select(c => new ChatSummary(
                new Chat(c.Key, ChatKind.Group, "g", Guid.Empty, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null), 0, null))];
            if (Hold is { } hold)
            {
                Reading.TrySetResult();
                await hold;
            }

            return new Page<ChatSummary>(read, null);
        }

        public Task<IReadOnlyList<ChatMember>> GetMembersAsync(Guid chatId, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<ChatMember>>([.. _members[chatId].Select(u => new ChatMember(chatId, u, DateTimeOffset.UnixEpoch, null, null))]);

        public Task<Chat?> GetChatAsync(Guid chatId, CancellationToken ct) => throw new NotSupportedException();

        public Task<(Chat Chat, bool Created)> CreateChatAsync(Chat chat, IReadOnlyList<Guid> memberIds, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyDictionary<Guid, IReadOnlyList<ChatMember>>> GetMembersOfChatsAsync(IReadOnlyCollection<Guid> chatIds, CancellationToken ct) =>
            Task.FromResult<IReadOnlyDictionary<Guid, IReadOnlyList<ChatMember>>>(chatIds.ToDictionary(
                id => id, id => (IReadOnlyList<ChatMember>)[.. _members[id].Select(u => new ChatMember(id, u, DateTimeOffset.UnixEpoch, null, null))]));

        public Task<ChatMember?> GetMemberAsync(Guid chatId, Guid userId, CancellationToken ct) => throw new NotSupportedException();

        public Task<AddMemberResult> AddMemberAsync(Guid chatId, Guid userId, Signal joined, int maxMembers, CancellationToken ct) => throw new NotSupportedException();

        public Task<bool> RemoveMemberAsync(Guid chatId, Guid userId, Signal left, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<ChatRef>> ListChatRefsAsync(Guid userId, int limit, CancellationToken ct) => throw new NotSupportedException();

        public Task<ChatSummary?> GetChatSummaryAsync(Guid chatId, Guid userId, CancellationToken ct) => throw new NotSupportedException();

        public Task<bool> RenameChatAsync(Guid chatId, string? expectedName, Signal renamed, CancellationToken ct) => throw new NotSupportedException();
    }
}
