using PetitChat.Core.Chats;
using PetitChat.Core.Paging;
using PetitChat.Core.Signals;

namespace PetitChat.Core.Tests;

/// <summary>A clock that moves only when told.</summary>
internal sealed class SteppedTime : TimeProvider
{
    private long _now = 1_000;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _now;

    public void Advance(TimeSpan by) => _now += by.Ticks;
}

/// <summary>Membership notices in memory: what was published, and the listener to call as another node would.</summary>
internal sealed class Notices : IRosterChanges, IAsyncDisposable
{
    public List<RosterChange> Published { get; } = [];

    public Action<RosterChange>? Changed { get; private set; }

    public Action? Missed { get; private set; }

    public Task PublishAsync(RosterChange change, CancellationToken ct)
    {
        Published.Add(change);
        return Task.CompletedTask;
    }

    public Task<IAsyncDisposable> ListenAsync(Action<RosterChange> changed, Action missed, CancellationToken ct)
    {
        (Changed, Missed) = (changed, missed);
        return Task.FromResult<IAsyncDisposable>(this);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
