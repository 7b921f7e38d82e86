using System.Collections.Concurrent;

namespace PetitChat.Core.Chats;

/// <summary>
/// A chat's members in memory for the send path: the membership check before a send and the
/// recipients after it were two store reads per message (and a third for the chat). Correct
/// across nodes because every change of members goes through <see cref="ChangedAsync"/> after its
/// commit: this node drops the chat at once, the others when the notice reaches them
/// (<see cref="IRosterChanges"/>), and none keeps a chat longer than
/// <see cref="RosterCacheOptions.MaxAge"/>. A read that overlaps a change is never kept, so an
/// old list read before a commit cannot be cached after the drop (docs/decisions/0014).
/// What else a node keeps from members (presence's chat partners) follows the same drops through
/// <see cref="Changed"/> and <see cref="Missed"/>, rather than listening on its own.
/// </summary>
public sealed class RosterCache(IChatRoster roster, IRosterChanges changes, TimeProvider time, RosterCacheOptions options)
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    /// <summary>Bumped before every drop: a read that saw another value may be older than the drop.</summary>
    private long _drops;

    /// <summary>The chat with its members, or null when there is no such chat (not cached).</summary>
    public async ValueTask<ChatRoster?> GetAsync(Guid chatId, CancellationToken ct)
    {
        if (_entries.TryGetValue(chatId, out var cached) && time.GetElapsedTime(cached.ReadAt) < options.MaxAge)
        {
            return cached.Roster;
        }

        var drops = Volatile.Read(ref _drops);
        var readAt = time.GetTimestamp();
        var chat = await roster.GetChatAsync(chatId, ct);
        if (chat is null)
        {
            return null;
        }

        var read = new ChatRoster(chat, await roster.GetMembersAsync(chatId, ct));
        if (options.MaxAge > TimeSpan.Zero && Volatile.Read(ref _drops) == drops)
        {
            Keep(chatId, new Entry(read, readAt), drops);
        }

        return read;
    }

    /// <summary>
    /// Raised for every change of members this node hears of, after the chat is dropped here: one
    /// made on this node (before it is answered) and every other node's notice. Handlers are quick
    /// and never throw (they run on the change's request, or on the notices' reader).
    /// </summary>
    public event Action<RosterChange>? Changed;

    /// <summary>Raised when notices may have been missed (the connection to the other nodes came back): drop everything.</summary>
    public event Action? Missed;

    /// <summary>
    /// After a committed change of the chat's members: drops it here, then tells the other nodes.
    /// Never throws: the change is made, and a notice that fails is bounded by the entries' age.
    /// </summary>
    public async Task ChangedAsync(RosterChange change)
    {
        Heard(change);
        try
        {
            await changes.PublishAsync(change, CancellationToken.None);
        }
#pragma warning disable CA1031 // Logged by the adapter; the change is committed and must not fail for this.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Listens to the other nodes' changes until the result is disposed (the server does it at start-up).</summary>
    public Task<IAsyncDisposable> ListenAsync(CancellationToken ct) => changes.ListenAsync(Heard, NoticesMissed, ct);

    /// <summary>Drops the chat on this node (a change here, or a notice from another node).</summary>
    public void Forget(Guid chatId)
    {
        Interlocked.Increment(ref _drops);
        _entries.TryRemove(chatId, out _);
    }

    /// <summary>Drops every chat: notices may have been missed (the connection to the other nodes was down).</summary>
    public void ForgetAll()
    {
        Interlocked.Increment(ref _drops);
        _entries.Clear();
    }

    private void Heard(RosterChange change)
    {
        Forget(change.ChatId);
        Changed?.Invoke(change);
    }

    private void NoticesMissed()
    {
        ForgetAll();
        Missed?.Invoke();
    }

    private void Keep(Guid chatId, Entry entry, long drops)
    {
        if (_entries.Count >= options.MaxChats)
        {
            foreach (var (id, old) in _entries)
            {
                if (time.GetElapsedTime(old.ReadAt) >= options.MaxAge)
                {
                    _entries.TryRemove(new KeyValuePair<Guid, Entry>(id, old));
                }
            }

            if (_entries.Count >= options.MaxChats)
            {
                _entries.Clear();
            }
        }

        _entries[chatId] = entry;
        // A drop between the check above and this write: it may have missed the entry, so undo it.
        if (Volatile.Read(ref _drops) != drops)
        {
            _entries.TryRemove(new KeyValuePair<Guid, Entry>(chatId, entry));
        }
    }

    private sealed record Entry(ChatRoster Roster, long ReadAt);
}
