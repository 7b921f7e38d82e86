using System.Collections.Concurrent;
using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Events;
using PetitChat.Core.Notifications;
using PetitChat.Core.Storage;

namespace PetitChat.Core.Presence;

/// <summary>
/// Presence as users see it: derived from open streams and activity (<see cref="IPresence"/>, on
/// every node), the user's own status and the Microsoft 365 presence (<see cref="IPresenceStore"/>).
/// Changes go to everyone who shares a chat with the user (<see cref="ChatPartners"/>, which follow
/// every change of members through <paramref name="rosters"/>), as ephemeral <see cref="PresenceChanged"/>
/// events, at most one per user per <see cref="PresenceOptions.Coalesce"/> from this node.
/// </summary>
public sealed partial class PresenceService(
    IPresence presence, IPresenceStore store, IChatStore chats, RosterCache rosters, IEventBus bus, PresenceOptions options, TimeProvider time)
{
    private const int TouchedLimit = 50_000;

    /// <summary>A status expiring within this is announced at its expiry by a timer; later ones by the sweep.</summary>
    private static readonly TimeSpan ExpiryAnnouncedWithin = TimeSpan.FromHours(1);
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMilliseconds(50);

    private readonly ChatPartners _partners = new(chats, rosters, options, time);
    private readonly ConcurrentDictionary<Guid, int> _local = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _touched = new();

    /// <summary>Users with a stream open on this node: the ones this node watches for away and expiry.</summary>
    public ICollection<Guid> LocalUsers => _local.Keys;

    /// <summary>Marks the user connected (and active) until the lease is disposed, and tells their partners.</summary>
    public async Task<IAsyncDisposable> ConnectAsync(Guid userId, CancellationToken ct)
    {
        var lease = await presence.ConnectAsync(userId, ct);
        _local.AddOrUpdate(userId, 1, static (_, n) => n + 1);
        await presence.TouchAsync(userId, time.GetUtcNow(), ct);
        Announce(userId);
        return new Lease(this, userId, lease);
    }

    /// <summary>The user did something (a send, a receipt, a typing call, a ping): not away any more.</summary>
    public async Task TouchAsync(Guid userId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await presence.TouchAsync(userId, now, ct);
        // Only activity after a quiet spell can end "away"; Announce sends nothing when nothing changed.
        if (!_touched.TryGetValue(userId, out var last) || now - last >= options.AwayAfter)
        {
            Announce(userId);
        }

        if (_touched.Count > TouchedLimit)
        {
            _touched.Clear();
        }

        _touched[userId] = now;
    }

    public async Task<Result<PresenceView>> SetStatusAsync(Guid userId, StatusRequest request, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var emoji = string.IsNullOrWhiteSpace(request.Emoji) ? null : request.Emoji.Trim();
        var text = string.IsNullOrWhiteSpace(request.Text) ? null : request.Text.Trim();
        if (emoji is not null && !Reactions.Emoji.IsValid(emoji))
        {
            return new Invalid("emoji", "The emoji must be one emoji.");
        }

        if (text is not null && text.Length > options.MaxStatusText)
        {
            return new Invalid("text", $"The status text is at most {options.MaxStatusText} characters.");
        }

        if (request.ExpiresAt is { } expires && (expires <= now || expires - now > options.MaxStatusDuration))
        {
            return new Invalid("expiresAt", $"The expiry must be in the future, at most {options.MaxStatusDuration.TotalDays:0} days ahead.");
        }

        if (!Enum.IsDefined(request.Availability))
        {
            return new Invalid("availability", "The availability is one of auto, busy, dnd, away.");
        }

        if (emoji is null && text is null && request.Availability == Availability.Auto)
        {
            // Nothing to show and nothing to change: the status is cleared, as a status picker saved empty means.
            return await ClearStatusAsync(userId, ct);
        }

        await store.SetStatusAsync(userId, new UserStatus(emoji, text, request.ExpiresAt, request.Availability, now), ct);
        Announce(userId);
        if (request.ExpiresAt is { } expiresAt && expiresAt - now <= ExpiryAnnouncedWithin)
        {
            // Told at the expiry itself, not at the next sweep, and also for a user with no stream
            // open (the sweep looks only at connected users). A later status makes this send a no-op.
            // A moment past the expiry, so that a timer firing early still finds the status gone.
            AnnounceAfter(userId, expiresAt - now + ExpiryMargin);
        }

        return (await ViewsAsync([userId], ct))[0];
    }

    public async Task<PresenceView> ClearStatusAsync(Guid userId, CancellationToken ct)
    {
        await store.ClearStatusAsync(userId, ct);
        Announce(userId);
        return (await ViewsAsync([userId], ct))[0];
    }

    /// <summary>The user's presence, or not found when the caller shares no chat with them (no presence oracle for strangers).</summary>
    public async Task<Result<PresenceView>> GetAsync(Guid callerId, Guid userId, CancellationToken ct)
    {
        if (!await CanSeeAsync(callerId, userId, ct))
        {
            return new NotFound("No such user.");
        }

        return (await ViewsAsync([userId], ct))[0];
    }

    /// <summary>The presence of those of <paramref name="userIds"/> the caller may see; others are left out, as unknown ids are.</summary>
    public async Task<Result<IReadOnlyList<PresenceView>>> QueryAsync(Guid callerId, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        if (userIds.Count > options.MaxQueryUsers)
        {
            // A count over its limit is a 400, as for a group's members; 413 is for bytes.
            return new Invalid("userIds", $"At most {options.MaxQueryUsers} users per query.");
        }

        var visible = new List<Guid>(userIds.Count);
        var partners = await _partners.GetAsync(callerId, refresh: false, ct);
        if (userIds.Any(u => u != callerId && !partners.Contains(u)))
        {
            partners = await _partners.GetAsync(callerId, refresh: true, ct);
        }

        foreach (var userId in userIds.Distinct())
        {
            if (userId == callerId || partners.Contains(userId))
            {
                visible.Add(userId);
            }
        }

        return Result.Ok(await ViewsAsync(visible, ct));
    }

    /// <summary>Presence of users the caller already may see (chat members shown with a chat); no visibility check.</summary>
    public async Task<IReadOnlyList<PresenceView>> ViewsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0)
        {
            return [];
        }

        var activity = await presence.GetActivityAsync(userIds, ct);
        var stored = await store.GetAsync(userIds, ct);
        var now = time.GetUtcNow();
        var views = new List<PresenceView>(userIds.Count);
        foreach (var userId in userIds)
        {
            views.Add(Compute(userId, activity.GetValueOrDefault(userId), stored.GetValueOrDefault(userId), now));
        }

        return views;
    }

    /// <summary>Whether the user asked not to be disturbed (their own status, or Microsoft 365).</summary>
    public static bool IsDoNotDisturb(StoredPresence? stored, DateTimeOffset now, PresenceOptions options) =>
        (stored?.Status is { Availability: Availability.Dnd } status && status.IsLive(now))
        || (stored?.External is { State: PresenceState.Dnd } external && now - external.At <= options.ExternalFreshFor);

    private PresenceView Compute(Guid userId, UserActivity? activity, StoredPresence? stored, DateTimeOffset now)
    {
        var status = stored?.Status is { } own && own.IsLive(now) ? own : null;
        var external = stored?.External is { } e && now - e.At <= options.ExternalFreshFor ? e : null;
        // Within the grace after their last stream closed they read as before, as the offline event waits.
        var connected = activity is { Connected: true } || (activity?.ClosedAt is { } closed && now - closed < options.OfflineGrace);
        var state = connected
            ? now - (activity?.LastActiveAt ?? now) >= options.AwayAfter ? PresenceState.Away : PresenceState.Online
            : PresenceState.Offline;
        var source = PresenceView.PetitChatSource;
        if (status is { Availability: not Availability.Auto } && state != PresenceState.Offline)
        {
            state = status.Availability switch
            {
                Availability.Busy => PresenceState.Busy,
                Availability.Dnd => PresenceState.Dnd,
                _ => PresenceState.Away,
            };
        }
        else if (external is not null
                 && (external.State is PresenceState.Busy or PresenceState.Dnd
                     || (state == PresenceState.Offline && external.State is PresenceState.Online or PresenceState.Away)))
        {
            // In a meeting or on a call in Teams, or active there while not here.
            state = external.State;
            source = PresenceView.Microsoft365Source;
        }

        var shown = status ?? (external?.Message is { } message ? new UserStatus(null, message, null, Availability.Auto, external.At) : null);
        return new PresenceView(userId, state, activity?.LastActiveAt ?? stored?.LastSeenAt, shown, source);
    }

    private async Task<bool> CanSeeAsync(Guid callerId, Guid userId, CancellationToken ct) =>
        callerId == userId
        || (await _partners.GetAsync(callerId, refresh: false, ct)).Contains(userId)
        || (await _partners.GetAsync(callerId, refresh: true, ct)).Contains(userId);

    private async Task DisconnectedAsync(Guid userId, IAsyncDisposable inner)
    {
        // The grace starts before the connection goes: no read in between finds the user offline.
        var now = time.GetUtcNow();
        await presence.ClosedAsync(userId, now, CancellationToken.None);
        await inner.DisposeAsync();
        if (_local.AddOrUpdate(userId, 0, static (_, n) => n - 1) <= 0)
        {
            _local.TryRemove(new KeyValuePair<Guid, int>(userId, 0));
        }

        await presence.TouchAsync(userId, now, CancellationToken.None);
        // A moment past the grace, so that a timer firing early still reads the user offline.
        AnnounceAfter(userId, options.OfflineGrace + ExpiryMargin);
        _ = KeepLastSeenAsync(userId, now);
    }

    /// <summary>
    /// Stores when the user was last seen once they are offline, after the grace and off the
    /// stream's close, so that neither a close nor a reconnect waits for the store. A user back
    /// within the grace is not written.
    /// </summary>
    private async Task KeepLastSeenAsync(Guid userId, DateTimeOffset at)
    {
        try
        {
            await Task.Delay(options.OfflineGrace + ExpiryMargin, time);
            if (_local.ContainsKey(userId)
                || (await presence.GetActivityAsync([userId], CancellationToken.None)).GetValueOrDefault(userId) is { Connected: true })
            {
                return;
            }

            await store.SetLastSeenAsync(userId, at, CancellationToken.None);
        }
#pragma warning disable CA1031 // A hint for after a restart: a store that failed it loses only that hint.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private sealed class Lease(PresenceService service, Guid userId, IAsyncDisposable inner) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            await service.DisconnectedAsync(userId, inner);
        }
    }
}
