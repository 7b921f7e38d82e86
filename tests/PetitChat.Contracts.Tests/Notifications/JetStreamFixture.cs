using PetitChat.Testing;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>One nats-server for a test class; each test makes its own streams, consumers and buckets on it.</summary>
public sealed class JetStreamFixture : IAsyncLifetime
{
    private JetStreamServer? _server;

    public JetStreamServer Server => _server ?? throw new InvalidOperationException("nats-server is not started.");

    public async Task InitializeAsync() => _server = await JetStreamServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
