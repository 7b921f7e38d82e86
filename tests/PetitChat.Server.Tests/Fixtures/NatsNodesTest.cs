namespace PetitChat.Server.Tests.Fixtures;

/// <summary>Base of a test class with its own nodes on one nats-server, started before its tests and stopped after.</summary>
public abstract class NatsNodesTest(IReadOnlyDictionary<string, string?> settings) : IAsyncLifetime, IAsyncDisposable
{
    private int _disposed;

    protected NatsNodes Nodes { get; } = new() { Settings = settings };

    public Task InitializeAsync() => Nodes.InitializeAsync();

    public async Task DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await Nodes.DisposeAsync();
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
