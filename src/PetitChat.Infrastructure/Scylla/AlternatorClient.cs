using System.Net.Http;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using PetitChat.Core.Storage;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// One DynamoDB client per Alternator endpoint, used round-robin. Alternator has no load balancer
/// of its own (every Scylla node answers), so the spreading is ours: an endpoint that refuses a
/// connection or times out is skipped for <see cref="ScyllaStoreOptions.DeadEndpointPause"/>.
/// The SDK's own retries are off; <see cref="RunAsync{T}"/> decides what is safe to retry.
/// </summary>
public sealed class AlternatorClient : IDisposable
{
    private readonly Endpoint[] _endpoints;
    private readonly ScyllaStoreOptions _options;
    private readonly TimeProvider _time;
    private int _next = -1;

    public AlternatorClient(ScyllaStoreOptions options, TimeProvider time)
    {
        if (options.Endpoints.Count == 0)
        {
            throw new ArgumentException("Store:Scylla:Endpoints needs at least one Alternator endpoint.", nameof(options));
        }

        _options = options;
        _time = time;
        var credentials = new BasicAWSCredentials(options.AccessKey, options.SecretKey);
        _endpoints = [.. options.Endpoints.Select(url => new Endpoint(url, new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig
        {
            ServiceURL = url,
            AuthenticationRegion = options.Region,
            MaxErrorRetry = 0,
            Timeout = options.RequestTimeout,
        })))];
    }

    /// <summary>Each endpoint with how many times it was found dead, for tests and diagnostics.</summary>
    public IReadOnlyList<(string Url, int Failures)> Endpoints => [.. _endpoints.Select(e => (e.Url, Volatile.Read(ref e.Failures)))];

    /// <summary>
    /// Runs <paramref name="call"/> on the next live endpoint. A request that surely did not reach
    /// the engine (connection refused) moves on to the next endpoint, and "busy" answers
    /// (throttling, 503) are retried with backoff: both are safe for any call. A failure that may
    /// have been applied (timeout, 500, connection lost) is retried only when
    /// <paramref name="idempotent"/>; otherwise, and when attempts run out, it becomes a
    /// <see cref="StoreUnavailableException"/>. Any other engine error is rethrown as it is.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<IAmazonDynamoDB, CancellationToken, Task<T>> call, bool idempotent, CancellationToken ct)
    {
        Exception? last = null;
        var backoff = _options.RetryBackoff;
        for (var attempt = 1; attempt <= Math.Max(1, _options.MaxAttempts); attempt++)
        {
            var endpoint = Pick();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.RequestTimeout);
            Failure kind;
            try
            {
                Telemetry.StoreMetrics.ScyllaRequestStarted();
                try
                {
                    return await call(endpoint.Client, timeout.Token);
                }
                finally
                {
                    Telemetry.StoreMetrics.ScyllaRequestEnded();
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested && (kind = Classify(e)) != Failure.None)
            {
                last = e;
                if (kind is Failure.NotSent or Failure.TimedOut)
                {
                    MarkDead(endpoint);
                }

                if (kind is Failure.TimedOut or Failure.Ambiguous && !idempotent)
                {
                    throw new StoreUnavailableException(
                        $"The store did not confirm a write at {endpoint.Url}; it is not retried because it may have been applied.", e);
                }

                // A refused connection goes straight to the next endpoint while one is believed live.
                if (kind == Failure.NotSent && AnyLive())
                {
                    continue;
                }
            }

            if (attempt < _options.MaxAttempts)
            {
                await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Max(1, backoff.TotalMilliseconds))), _time, ct);
                backoff *= 2;
            }
        }

        throw new StoreUnavailableException($"The store did not answer after {_options.MaxAttempts} attempts: {last?.Message}", last);
    }

    public void Dispose()
    {
        foreach (var endpoint in _endpoints)
        {
            endpoint.Client.Dispose();
        }
    }

    private Endpoint Pick()
    {
        var now = _time.GetTimestamp();
        var start = Interlocked.Increment(ref _next) & int.MaxValue;
        for (var i = 0; i < _endpoints.Length; i++)
        {
            var endpoint = _endpoints[(start + i) % _endpoints.Length];
            if (Volatile.Read(ref endpoint.DeadUntil) <= now)
            {
                return endpoint;
            }
        }

        // All are believed dead: try the one that has been dead the longest rather than fail unasked.
        return _endpoints.MinBy(e => Volatile.Read(ref e.DeadUntil))!;
    }

    private bool AnyLive()
    {
        var now = _time.GetTimestamp();
        return _endpoints.Any(e => Volatile.Read(ref e.DeadUntil) <= now);
    }

    private void MarkDead(Endpoint endpoint)
    {
        Interlocked.Increment(ref endpoint.Failures);
        var until = _time.GetTimestamp() + (long)(_options.DeadEndpointPause.TotalSeconds * _time.TimestampFrequency);
        Volatile.Write(ref endpoint.DeadUntil, until);
    }

    private static Failure Classify(Exception e)
    {
        switch (e)
        {
            case AmazonServiceException service when service.ErrorCode is "ThrottlingException" or "ProvisionedThroughputExceededException"
                or "RequestLimitExceeded" or "LimitExceededException" or "ServiceUnavailable" or "ServiceUnavailableException":
            case AmazonServiceException { StatusCode: System.Net.HttpStatusCode.ServiceUnavailable }:
                return Failure.Busy;
            case AmazonServiceException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError }:
                return Failure.Ambiguous;
            case AmazonServiceException { InnerException: { } inner } when inner is not AmazonServiceException:
                return Classify(inner);
            case AmazonServiceException:
                return Failure.None;
            case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }:
                return Failure.NotSent;
            case HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable } }:
                return Failure.NotSent;
            case HttpRequestException or IOException:
                return Failure.Ambiguous;
            case OperationCanceledException or TimeoutException:
                return Failure.TimedOut;
            default:
                return Failure.None;
        }
    }

    private enum Failure
    {
        None,
        NotSent,
        Busy,
        TimedOut,
        Ambiguous,
    }

    private sealed class Endpoint(string url, AmazonDynamoDBClient client)
    {
        public string Url { get; } = url;

        public AmazonDynamoDBClient Client { get; } = client;

        public long DeadUntil;

        public int Failures;
    }
}
