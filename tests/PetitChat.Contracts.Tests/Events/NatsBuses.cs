using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using PetitChat.Infrastructure.Nats;

namespace PetitChat.Contracts.Tests.Events;

/// <summary>
/// NATS buses for one test, each a "node" with its own connection, all on one stream that no
/// other test uses; disposed with the test.
/// </summary>
public sealed class NatsBuses(string url) : IAsyncDisposable
{
    private readonly List<NatsConnection> _connections = [];

    public NatsBusOptions Options { get; } = new()
    {
        Url = url,
        StreamName = $"T{Guid.NewGuid():N}",
        SubjectPrefix = $"t{Guid.NewGuid():N}",
    };

    public async Task<NatsEventBus> CreateAsync(NatsBusOptions options, TimeProvider time)
    {
        var connection = new NatsConnection(NatsBusExtensions.ConnectionOptions(options));
        _connections.Add(connection);
        var bus = new NatsEventBus(connection, Microsoft.Extensions.Options.Options.Create(options), time, NullLogger<NatsEventBus>.Instance);
        await bus.EnsureStreamAsync(CancellationToken.None);
        return bus;
    }

    public Task<NatsEventBus> CreateAsync() => CreateAsync(Options, TimeProvider.System);

    public NatsConnection Connection(int index) => _connections[index];

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
