using PetitChat.Core.Events;

namespace PetitChat.Contracts.Tests.Events;

/// <summary>The bus contract on a real nats-server with JetStream.</summary>
public sealed class NatsEventBusTests(NatsServerFixture nats) : EventBusContract, IClassFixture<NatsServerFixture>, IAsyncLifetime, IAsyncDisposable
{
    private readonly NatsBuses _buses = new(nats.Server.Url);

    protected override async Task<IEventBus> CreateBusAsync(TimeSpan retention, int subscriberBuffer, TimeProvider time) =>
        await _buses.CreateAsync(_buses.Options with { Retention = retention, SubscriberBuffer = subscriberBuffer }, time);

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 disposes test classes through IAsyncLifetime only.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public ValueTask DisposeAsync() => _buses.DisposeAsync();
}
