using System.Collections.Concurrent;
using PetitChat.Core.Chats;

namespace PetitChat.Core.Presence;

/// <summary>
/// Everyone who shares a chat with a user, per user in memory on this node: who is told of the
/// user's presence changes, and whose presence the user may read. The sets follow the chats at
/// once: every change of members (a chat created, a member added, removed or gone) drops the sets
/// of the users it names (<see cref="RosterChange.Users"/>), on the node that made it before it is
/// answered and on the others when its notice arrives (<see cref="RosterCache.Changed"/>), and a
/// read that overlaps a drop is not kept. A set is read again only after such a drop or after
/// <see cref="PresenceOptions.PartnerCacheFor"/>, which bounds how long a node that missed a notice
/// (its NATS connection was down) goes on with an old set; a reconnect drops them all.
/// </summary>
public sealed class ChatPartners
{
    private const int MaxUsers = 50_000;
    private const int ChatsPerPage = 100;

    private readonly IChatRoster _chats;
    private readonly PresenceOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    /// <summary>Bumped before every drop: a read that saw another value may be older than the drop.</summary>
    private long _drops;

    public ChatPartners(IChatRoster chats, RosterCache rosters, PresenceOptions options, TimeProvider time)
    {
        (_chats, _options, _time) = (chats, options, time);
        rosters.Changed += Forget;
        rosters.Missed += ForgetAll;
    }

    /// <summary>
    /// The user's partners (never the user), at most those of their <see cref="PresenceOptions.MaxPartnerChats"/>
    /// most recent chats. <paramref name="refresh"/> reads the store whatever is kept.
    /// </summary>
    public async Task<IReadOnlySet<Guid>> GetAsync(Guid userId, bool refresh, CancellationToken ct)
    {
        if (!refresh && _entries.TryGetValue(userId, out var cached) && _time.GetElapsedTime(cached.ReadAt) < _options.PartnerCacheFor)
        {
            return cached.Users;
        }

        var drops = Volatile.Read(ref _drops);
        var readAt = _time.GetTimestamp();
        var users = new HashSet<Guid>();
        string? cursor = null;
        var read = 0;
        do
        {
            var page = await _chats.ListChatsAsync(userId, ChatsPerPage, cursor, ct);
            // The members of the whole page in one read (decision 0016), not a read per chat.
            var members = await _chats.GetMembersOfChatsAsync([.. page.Items.Select(summary => summary.Chat.Id)], ct);
            foreach (var chatMembers in members.Values)
            {
                foreach (var member in chatMembers)
                {
                    users.Add(member.UserId);
                }
            }

            read += page.Items.Count;
            cursor = page.NextCursor;
        }
        while (cursor is not null && read < _options.MaxPartnerChats);

        users.Remove(userId);
        if (_options.PartnerCacheFor > TimeSpan.Zero && Volatile.Read(ref _drops) == drops)
        {
            Keep(userId, new Entry(users, readAt), drops);
        }

        return users;
    }

    /// <summary>Drops the sets of the users the change names, or every set when it names nobody.</summary>
    public void Forget(RosterChange change)
    {
        Interlocked.Increment(ref _drops);
        if (change.Users is null)
        {
            _entries.Clear();
            return;
        }

        foreach (var userId in change.Users)
        {
            _entries.TryRemove(userId, out _);
        }
    }

    /// <summary>Drops every set: notices may have been missed (the connection to the other nodes was down).</summary>
    public void ForgetAll()
    {
        Interlocked.Increment(ref _drops);
        _entries.Clear();
    }

    private void Keep(Guid userId, Entry entry, long drops)
    {
        if (_entries.Count >= MaxUsers)
        {
            _entries.Clear();
        }

        _entries[userId] = entry;
        // A drop between the check above and this write: it may have missed the entry, so undo it.
        if (Volatile.Read(ref _drops) != drops)
        {
            _entries.TryRemove(new KeyValuePair<Guid, Entry>(userId, entry));
        }
    }

    private sealed record Entry(HashSet<Guid> Users, long ReadAt);
}
