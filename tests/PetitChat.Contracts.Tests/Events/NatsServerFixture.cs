using PetitChat.Testing;

namespace PetitChat.Contracts.Tests.Events;

/// <summary>One nats-server for a test class; each test makes its own stream on it.</summary>
public sealed class NatsServerFixture : IAsyncLifetime
{
    private NatsServer? _server;

    public NatsServer Server => _server ?? throw new InvalidOperationException("nats-server is not started.");

    public async Task InitializeAsync() => _server = await NatsServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
