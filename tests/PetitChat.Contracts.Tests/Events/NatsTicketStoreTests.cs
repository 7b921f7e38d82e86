using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using PetitChat.Core.Events;
using PetitChat.Infrastructure.Nats;

namespace PetitChat.Contracts.Tests.Events;

/// <summary>The ticket contract on a real nats-server, each "node" with its own connection.</summary>
public sealed class NatsTicketStoreTests(NatsServerFixture nats) : EventTicketStoreContract, IClassFixture<NatsServerFixture>, IAsyncLifetime, IAsyncDisposable
{
    private readonly List<NatsConnection> _connections = [];

    protected override async Task<(IEventTicketStore First, IEventTicketStore Second)> CreateStoresAsync()
    {
        var options = new NatsBusOptions { Url = nats.Server.Url, TicketBucket = $"T{Guid.NewGuid():N}" };
        return (await CreateAsync(options), await CreateAsync(options));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    private async Task<NatsTicketStore> CreateAsync(NatsBusOptions options)
    {
        var connection = new NatsConnection(NatsBusExtensions.ConnectionOptions(options));
        _connections.Add(connection);
        var store = new NatsTicketStore(connection, Options.Create(options), NullLogger<NatsTicketStore>.Instance);
        await store.EnsureBucketAsync(CancellationToken.None);
        return store;
    }
}
