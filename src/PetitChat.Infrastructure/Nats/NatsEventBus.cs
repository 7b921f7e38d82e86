using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.Nats;

/// <summary>
/// The event bus across nodes (decision 0023): one JetStream stream holds every event once, with
/// its recipients in a header, for the retention window. An event id is the message's stream
/// sequence, the same on every node, so a client resumes on any node. The stream republishes each
/// message as it stores it; every node listens to those copies with one core subscription and
/// hands each event to the streams of its recipients open on the node. Replay reads the stream.
/// </summary>
public sealed partial class NatsEventBus : IEventBus, IDisposable
{
    /// <summary>The event's recipients (user ids, 32 hex digits each, comma separated).</summary>
    internal const string RecipientsHeader = "Petitchat-To";

    /// <summary>Set by JetStream on a republished copy: the message's stream sequence.</summary>
    private const string SequenceHeader = "Nats-Sequence";

    /// <summary>Set by JetStream on a republished copy: the subject the message was stored under.</summary>
    private const string SubjectHeader = "Nats-Subject";

    private readonly NatsBusOptions _options;
    private readonly NatsJSContext _js;
    private readonly INatsConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger<NatsEventBus> _logger;

    /// <summary>Cancelled when the bus is disposed, to end its background work.</summary>
    private readonly CancellationTokenSource _life = new();
    private int _disposed;

    /// <summary>Cancelled (and replaced) each time the connection opens again, to renew the node's live subscription.</summary>
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
        // Not disposed: the live loop may be linking to its token right now; it holds no timer.
        previous.Cancel();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Creates the stream, or updates its settings (retention, replicas, subjects, republish) to
    /// these options. Run at start-up by every node; creating an existing stream with the same
    /// settings is a no-op.
    /// </summary>
    public async Task EnsureStreamAsync(CancellationToken ct)
    {
        var config = new StreamConfig(_options.StreamName, [_options.EventsSubject, _options.UserSubjects])
        {
            Description = "Petit chat: every live event once, with its recipients, for resume on any node.",
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
            // Each stored message, with its headers and its sequence, on core NATS for the nodes.
            Republish = new Republish { Src = ">", Dest = _options.LiveSubjects },
        };
        await ReplaceEarlierLayoutAsync(ct);
        await _js.CreateOrUpdateStreamAsync(config, ct);
        LogStreamReady(_options.StreamName, _options.Retention);
    }

    /// <summary>
    /// A stream made by a version from before decision 0023 holds one message per recipient and
    /// does not republish; JetStream 2.9 cannot add a republish to a stream, so the node deletes
    /// it (its events only served resumes) and the stream is created again, its sequences going
    /// on after the old ones: an id from the old stream is then older than the new stream's
    /// first, and a client resuming from it gets a reset and reloads.
    /// </summary>
    private async Task ReplaceEarlierLayoutAsync(CancellationToken ct)
    {
        StreamInfo existing;
        try
        {
            existing = (await _js.GetStreamAsync(_options.StreamName, cancellationToken: ct)).Info;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return;
        }

        if (existing.Config.Republish?.Dest == _options.LiveSubjects)
        {
            return;
        }

        LogReplacingEarlierLayout(_options.StreamName, existing.State.LastSeq);
        await _js.DeleteStreamAsync(_options.StreamName, ct);
        await _js.CreateStreamAsync(
            new StreamConfig(_options.StreamName, [_options.EventsSubject, _options.UserSubjects]) { Republish = new Republish { Src = ">", Dest = _options.LiveSubjects } }, ct);
        if (existing.State.LastSeq > 0)
        {
            // Purging up to a sequence past the last moves the stream's next sequence there.
            await _js.PurgeStreamAsync(_options.StreamName, new StreamPurgeRequest { Seq = existing.State.LastSeq + 2 }, ct);
        }
    }

    private static string IdOf(ulong sequence) => sequence.ToString(CultureInfo.InvariantCulture);

    /// <summary>The header value naming <paramref name="recipients"/>.</summary>
    internal static string RecipientsValue(IEnumerable<Guid> recipients) => string.Join(',', recipients.Select(r => r.ToString("N")));

    /// <summary>
    /// The recipients of a stored message: its header, or for a message of a node from before
    /// decision 0023, the user of its subject (<c>{prefix}.user.{id}</c>). Empty when neither.
    /// </summary>
    private List<Guid> RecipientsOf(NatsHeaders? headers, string? subject)
    {
        var recipients = new List<Guid>();
        if (headers is not null && headers.TryGetValue(RecipientsHeader, out var value))
        {
            var text = value.ToString();
            foreach (var part in text.AsSpan().Split(','))
            {
                if (Guid.TryParseExact(text.AsSpan()[part], "N", out var userId))
                {
                    recipients.Add(userId);
                }
            }
        }
        else if (subject is not null
                 && subject.StartsWith(_options.UserSubjects[..^1], StringComparison.Ordinal)
                 && Guid.TryParseExact(subject.AsSpan(_options.UserSubjects.Length - 1), "N", out var userId))
        {
            recipients.Add(userId);
        }

        return recipients;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "NATS connection opened ({Detail}); renewing the live subscription")]
    private partial void LogReconnected(string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JetStream stream {Stream} was made by an earlier version (one message per recipient); replacing it, its sequences going on after {LastSequence}")]
    private partial void LogReplacingEarlierLayout(string stream, ulong lastSequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "JetStream stream {Stream} is ready, events kept for {Retention}")]
    private partial void LogStreamReady(string stream, TimeSpan retention);
}
