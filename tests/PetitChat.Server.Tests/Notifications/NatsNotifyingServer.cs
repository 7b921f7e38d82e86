using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure;
using PetitChat.Infrastructure.Nats.Notifications;
using PetitChat.Infrastructure.Notifications;
using PetitChat.Server.Tests.Fixtures;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Notifications;

/// <summary>
/// The production shape: the server queues notification jobs on a real nats-server and runs no
/// worker; workers are hosts of their own, composed as src/PetitChat.Notifier's Program.cs
/// composes them, started and stopped by the tests. Presence and the ledger go through NATS.
/// </summary>
public sealed class NatsNotifyingServer : PetitChatServer
{
    private readonly Dictionary<string, string?> _settings = [];
    private NatsServer? _nats;

    public PushEndpoint Push { get; private set; } = null!;

    /// <summary>A worker host, as <c>dotnet run --project src/PetitChat.Notifier</c> starts one, on the server's settings.</summary>
    public async Task<IHost> StartWorkerAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = Folder });
        builder.Configuration.AddInMemoryCollection(_settings);
        builder.AddPetitChatNotifier();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>
    /// Waits until a worker has settled the job of (signal, recipient): the shared ledger has it, or
    /// the job stream is empty (its fan was handled, and the job, when the fan published it, too; a fan
    /// that drops a connected recipient's job records nothing).
    /// </summary>
    public async Task WaitUntilSettledAsync(Guid signalId, Guid userId)
    {
        await using var connection = new NotificationNatsConnection(Options.Create(NatsOptions()), NullLoggerFactory.Instance);
        var ledger = new NatsDeliveryLedger(connection, Options.Create(NatsOptions()), NullLogger<NatsDeliveryLedger>.Instance);
        var jobId = NotificationJob.For(userId, Guid.Empty, signalId, default).Id;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await ledger.ContainsAsync(jobId, deadline.Token)
            && (await connection.JetStream.GetStreamAsync(NatsOptions().StreamName, cancellationToken: deadline.Token)).Info.State.Messages > 0)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>
    /// Waits until no node counts a live stream of the user: a client closing its stream is
    /// noticed by the server when the connection drops, which HttpClient may delay for a moment.
    /// </summary>
    public async Task WaitUntilDisconnectedAsync(Guid userId)
    {
        await using var connection = new NotificationNatsConnection(Options.Create(NatsOptions()), NullLoggerFactory.Instance);
        using var presence = new NatsPresence(connection, Options.Create(NatsOptions()), NullLogger<NatsPresence>.Instance);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await presence.IsConnectedAsync(userId, deadline.Token))
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        _nats = await NatsServer.StartAsync();
        Push = await PushEndpoint.StartAsync();
        settings["Notifications:Kind"] = "nats";
        settings["Notifications:Nats:Url"] = _nats.Url;
        settings["Notifications:Nats:Partitions"] = "8";
        settings["Notifications:Nats:AckWait"] = "00:00:03";
        settings["Notifications:RunInProcessWorker"] = "false";
        settings["Notifications:ReadDelay"] = "00:00:00.500";
        settings["Notifications:Retry:FirstDelay"] = "00:00:00.100";
        settings["Notifications:Retry:MaxDelay"] = "00:00:00.500";
        settings["Notifications:Outbound:AllowLoopback"] = "true";
        settings["Notifications:WebPush:KeyPath"] = Path.Combine(Folder, "vapid-keys.json");
        settings["Logging:LogLevel:Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            _settings[key] = value;
        }
    }

    protected override async Task DisposeEnginesAsync()
    {
        await Push.DisposeAsync();
        if (_nats is not null)
        {
            await _nats.DisposeAsync();
        }
    }

    private NatsNotificationOptions NatsOptions() => new() { Url = _nats!.Url };
}
