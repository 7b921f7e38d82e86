using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.Nats;

/// <summary>
/// The event bus across nodes: one JetStream stream holds every user's events, each user on
/// their own subject (<see cref="NatsBusOptions.SubjectOf"/>), for the retention window. An
/// event id is the message's stream sequence, the same on every node, so a client resumes on
/// any node. A subscriber reads through an ordered consumer filtered on its user's subject, so a
/// node receives only the events of the users connected to it.
/// </summary>
public sealed partial class NatsEventBus : IEventBus, IDisposable
{
    private readonly NatsBusOptions _options;
    private readonly NatsJSContext _js;
    private readonly INatsConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger<NatsEventBus> _logger;

    /// <summary>Decodes the copies of one event that this node's consumers read once, for all of them.</summary>
    private readonly NatsDecodedEvents _decoded = new();

    /// <summary>Cancelled when the bus is disposed, to end its background work.</summary>
    private readonly CancellationTokenSource _life = new();
    private int _disposed;

    /// <summary>Cancelled (and replaced) each time the connection opens again, to renew every consumer.</summary>
    private CancellationTokenSource _connectionGeneration = new();

    public NatsEventBus(INatsConnection connection, IOptions<NatsBusOptions> options, TimeProvider time, ILogger<NatsEventBus> logger)
    {
        _options = options.Value;
        _connection = connection;
        _js = new NatsJSContext((NatsConnection)connection);
        _time = time;
        _logger = logger;
        connection.ConnectionOpened += OnConnectionOpenedAsync;
    }

    public void Dispose()
    {
        // Registered as itself and as IEventBus, so the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _connection.ConnectionOpened -= OnConnectionOpenedAsync;
        _life.Cancel();
        _life.Dispose();
        _connectionGeneration.Dispose();
    }

    private ValueTask OnConnectionOpenedAsync(object? sender, NatsEventArgs args)
    {
        LogReconnected(args.Message);
        var previous = Interlocked.Exchange(ref _connectionGeneration, new CancellationTokenSource());
        // Not disposed: a pump may be linking to its token right now; it holds no timer.
        previous.Cancel();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Creates the stream, or updates its settings (retention, replicas) to these options. Run at
    /// start-up by every node; creating an existing stream with the same settings is a no-op.
    /// </summary>
    public async Task EnsureStreamAsync(CancellationToken ct)
    {
        var config = new StreamConfig(_options.StreamName, [$"{_options.SubjectPrefix}.user.*"])
        {
            Description = "Petit chat: each user's live events, for resume on any node.",
            Retention = StreamConfigRetention.Limits,
            Discard = StreamConfigDiscard.Old,
            Storage = StreamConfigStorage.File,
            MaxAge = _options.Retention,
            NumReplicas = _options.Replicas,
            // A publish retried after a lost acknowledgement carries the same message id, and
            // JetStream drops the copy, so a retry never doubles an event; nor does the copy of a
            // new signal that a repeated send publishes (SignalCreated.RepeatWindow is shorter).
            DuplicateWindow = TimeSpan.FromMinutes(2),
            AllowDirect = true,
        };
        await _js.CreateOrUpdateStreamAsync(config, ct);
        LogStreamReady(_options.StreamName, _options.Retention);
    }

    private static string IdOf(ulong sequence) => sequence.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "NATS connection opened ({Detail}); renewing the live consumers")]
    private partial void LogReconnected(string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "JetStream stream {Stream} is ready, events kept for {Retention}")]
    private partial void LogStreamReady(string stream, TimeSpan retention);
}
