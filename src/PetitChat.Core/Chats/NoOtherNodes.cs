namespace PetitChat.Core.Chats;

/// <summary>The in-process bus serves one node: a change dropped from this node's <see cref="RosterCache"/> is dropped everywhere.</summary>
public sealed class NoOtherNodes : IRosterChanges, IAsyncDisposable
{
    public Task PublishAsync(RosterChange change, CancellationToken ct) => Task.CompletedTask;

    public Task<IAsyncDisposable> ListenAsync(Action<RosterChange> changed, Action missed, CancellationToken ct) => Task.FromResult<IAsyncDisposable>(this);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
