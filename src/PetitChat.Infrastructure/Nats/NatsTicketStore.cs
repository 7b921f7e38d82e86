using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.Nats;

/// <summary>
/// Tickets in a NATS key-value bucket, so that any node redeems a ticket another node issued.
/// Taking one is a delete conditioned on the revision that was read: of two nodes redeeming
/// the same ticket, only one delete succeeds. The bucket's MaxAge removes tickets never used.
/// A call that finds the bucket gone (a NATS whose store was lost) creates it again and runs once more.
/// </summary>
public sealed partial class NatsTicketStore(INatsConnection connection, IOptions<NatsBusOptions> options, ILogger<NatsTicketStore> logger)
    : IEventTicketStore, IDisposable
{
    private readonly NatsKVContext _kv = new(new NatsJSContext((NatsConnection)connection));
    private readonly NatsBusOptions _options = options.Value;
    private readonly NatsRecreation _recreation = new();
    private INatsKVStore? _bucket;

    /// <summary>Creates or updates the bucket; run at start-up with the stream.</summary>
    public async Task EnsureBucketAsync(CancellationToken ct) =>
        _bucket = await _kv.CreateOrUpdateStoreAsync(new NatsKVConfig(_options.TicketBucket)
        {
            Description = "Petit chat: one-use tickets for opening a live stream on any node.",
            MaxAge = _options.TicketRetention,
            History = 1,
            NumberOfReplicas = _options.Replicas,
        }, ct);

    public async Task PutAsync(string ticket, StoredTicket entry, CancellationToken ct)
    {
        await BucketAsync(ct);
        try
        {
            var value = string.Create(CultureInfo.InvariantCulture,
                $"{entry.UserId:N}|{entry.ExpiresAt.ToUnixTimeMilliseconds()}|{entry.TokenExpiresAt?.ToUnixTimeMilliseconds()}");
            await _recreation.KeepAsync(c => _bucket!.CreateAsync(ticket, value, cancellationToken: c), EnsureBucketAsync, LogRecreating, ct);
        }
        catch (Exception e) when (e is NatsException or TimeoutException)
        {
            throw new EventBusUnavailableException($"NATS did not store the stream ticket: {e.Message}", e);
        }
    }

    public async Task<StoredTicket?> TakeAsync(string ticket, CancellationToken ct)
    {
        await BucketAsync(ct);
        try
        {
            var entry = await _recreation.KeepAsync(c => _bucket!.TryGetEntryAsync<string>(ticket, cancellationToken: c), EnsureBucketAsync, LogRecreating, ct);
            if (!entry.Success || entry.Value.Value is not { } value)
            {
                return null;
            }

            var taken = await _bucket!.TryDeleteAsync(ticket, new NatsKVDeleteOpts { Revision = entry.Value.Revision }, ct);
            return taken.Success ? Parse(value) : null;
        }
        catch (Exception e) when (e is NatsException or TimeoutException)
        {
            throw new EventBusUnavailableException($"NATS did not answer for the stream ticket: {e.Message}", e);
        }
    }

    /// <summary>"{user}|{expires ms}|{token expires ms or nothing}", or null when malformed.</summary>
    private static StoredTicket? Parse(string value)
    {
        var parts = value.Split('|');
        if (parts.Length != 3
            || !Guid.TryParseExact(parts[0], "N", out var userId)
            || !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var expiresAt))
        {
            return null;
        }

        DateTimeOffset? tokenExpiresAt = long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var tokenMs)
            ? DateTimeOffset.FromUnixTimeMilliseconds(tokenMs)
            : null;
        return new StoredTicket(userId, DateTimeOffset.FromUnixTimeMilliseconds(expiresAt), tokenExpiresAt);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stream tickets' bucket was not found in NATS (a NATS that came back without its store?); creating it again")]
    private partial void LogRecreating(Exception cause);

    public void Dispose() => _recreation.Dispose();

    private async ValueTask<INatsKVStore> BucketAsync(CancellationToken ct)
    {
        if (_bucket is null)
        {
            await EnsureBucketAsync(ct);
        }

        return _bucket!;
    }
}
