using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.Nats.Notifications;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>
/// One worker as a Notifier process has it: its own NATS connection and queue over shared
/// streams. <see cref="KillAsync"/> drops the connection without a word, as a killed process does.
/// </summary>
public sealed class NatsWorker : IAsyncDisposable
{
    private readonly NotificationNatsConnection _connection;
    private readonly CancellationTokenSource _stop = new();

    private NatsWorker(NatsNotificationOptions options, RetryPolicy retry)
    {
        var wrapped = Options.Create(options);
        _connection = new NotificationNatsConnection(wrapped, NullLoggerFactory.Instance);
        Presence = new NatsPresence(_connection, wrapped, NullLogger<NatsPresence>.Instance);
        Queue = new NatsNotificationQueue(_connection, wrapped, retry, TimeProvider.System, NullLogger<NatsNotificationQueue>.Instance, Presence);
        Ledger = new NatsDeliveryLedger(_connection, wrapped, NullLogger<NatsDeliveryLedger>.Instance);
    }

    public NatsNotificationQueue Queue { get; }

    public NatsDeliveryLedger Ledger { get; }

    public NatsPresence Presence { get; }

    public static async Task<NatsWorker> StartAsync(NatsNotificationOptions options, RetryPolicy retry)
    {
        var worker = new NatsWorker(options, retry);
        await worker.Queue.EnsureAsync(CancellationToken.None);
        return worker;
    }

    /// <summary>Unique names, so tests sharing a server do not see each other's jobs.</summary>
    public static NatsNotificationOptions OptionsFor(string url, TimeSpan? ackWait = null)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        return new NatsNotificationOptions
        {
            Url = url,
            StreamName = $"NOTIFY_{id}",
            SubjectPrefix = $"t{id}.notify",
            DeadLetterStreamName = $"NOTIFY_DEAD_{id}",
            DeadLetterSubjectPrefix = $"t{id}.dead",
            ConsumerPrefix = $"w{id}",
            LedgerBucket = $"ledger_{id}",
            PresenceBucket = $"presence_{id}",
            Partitions = 8,
            AckWait = ackWait ?? TimeSpan.FromSeconds(30),
            PresenceExpiry = TimeSpan.FromSeconds(3),
        };
    }

    public void Consume(Func<QueuedJob, CancellationToken, Task<JobOutcome>> handler) =>
        _ = Task.Run(() => Queue.ConsumeAsync(handler, _stop.Token));

    public async Task KillAsync()
    {
        await _connection.DisposeAsync();
        await _stop.CancelAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _connection.DisposeAsync();
        Presence.Dispose();
        _stop.Dispose();
    }
}
