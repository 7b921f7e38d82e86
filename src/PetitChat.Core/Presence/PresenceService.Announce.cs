using System.Collections.Concurrent;

namespace PetitChat.Core.Presence;

public sealed partial class PresenceService
{
    private const int AnnouncedLimit = 100_000;

    /// <summary>Per user: what this node last announced, when, and whether a send is already scheduled.</summary>
    private readonly ConcurrentDictionary<Guid, Announced> _last = new();

    /// <summary>
    /// Looks at the user's presence again and tells their partners (and the user's other devices)
    /// when what they see changed: state, status or source. Coalesced: a change within
    /// <see cref="PresenceOptions.Coalesce"/> of the last send waits for the window's end, and
    /// then sends the latest state once. Never throws; a lost presence event is corrected by the
    /// next one or a read.
    /// </summary>
    public void Announce(Guid userId) => AnnounceAfter(userId, TimeSpan.Zero);

    /// <summary>Announces after <paramref name="delay"/> (the offline grace: a reconnect meanwhile changes nothing to announce).</summary>
    public void AnnounceAfter(Guid userId, TimeSpan delay)
    {
        if (_last.Count > AnnouncedLimit)
        {
            _last.Clear();
        }

        var slot = _last.GetOrAdd(userId, static _ => new Announced());
        var now = time.GetUtcNow();
        lock (slot)
        {
            var due = Max(now + delay, slot.SentAt + options.Coalesce);
            // Calls within one coalescing window all land on its end: one send covers them. A
            // send due at another time (an offline grace) is scheduled apart, so none is lost.
            if (slot.DueAt == due)
            {
                return;
            }

            slot.DueAt = due;
            delay = due - now;
        }

        _ = SendAsync(userId, slot, delay);
    }

    /// <summary>
    /// One round of the node's sweep: its connected users (away after inactivity, a status that
    /// expired) and the users of nodes that died, whom nobody else would announce offline.
    /// </summary>
    public async Task SweepAsync(CancellationToken ct)
    {
        // Read in batches; only users whose state, status or source changed are announced.
        foreach (var batch in _local.Keys.Chunk(200))
        {
            foreach (var view in await ViewsAsync(batch, ct))
            {
                if (!_last.TryGetValue(view.UserId, out var slot) || !SameAs(slot.View, view))
                {
                    Announce(view.UserId);
                }
            }
        }

        foreach (var userId in await presence.ReapAsync(ct))
        {
            Announce(userId);
        }
    }

    private async Task SendAsync(Guid userId, Announced slot, TimeSpan delay)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time);
            }

            // One send of a user at a time: two sends that overlap (an offline grace and a status
            // change) could otherwise publish in the wrong order and leave partners on the older view.
            await slot.Sending.WaitAsync();
            try
            {
                lock (slot)
                {
                    slot.DueAt = null;
                    slot.SentAt = time.GetUtcNow();
                }

                var view = (await ViewsAsync([userId], CancellationToken.None))[0];
                lock (slot)
                {
                    if (SameAs(slot.View, view))
                    {
                        return;
                    }

                    slot.View = view;
                }

                var recipients = new HashSet<Guid>(await _partners.GetAsync(userId, refresh: false, CancellationToken.None)) { userId };
                await bus.PublishEphemeralAsync(new PresenceChanged(view), recipients, CancellationToken.None);
            }
            finally
            {
                slot.Sending.Release();
            }
        }
#pragma warning disable CA1031 // Ephemeral: the next change or a read corrects a lost event.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>What partners see is the same: state, status and source (last seen moves on its own).</summary>
    private static bool SameAs(PresenceView? previous, PresenceView view) =>
        previous is not null && previous.State == view.State && previous.Status == view.Status && previous.Source == view.Source;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private sealed class Announced
    {
        public DateTimeOffset SentAt { get; set; } = DateTimeOffset.MinValue;

        public DateTimeOffset? DueAt { get; set; }

        public PresenceView? View { get; set; }

        /// <summary>Never disposed: it holds no handle until someone waits, and slots live as long as the service.</summary>
        public SemaphoreSlim Sending { get; } = new(1, 1);
    }
}
