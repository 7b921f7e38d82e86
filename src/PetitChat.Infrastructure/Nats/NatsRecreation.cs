using NATS.Client.Core;
using NATS.Client.JetStream;

namespace PetitChat.Infrastructure.Nats;

/// <summary>
/// Creates a component's streams or buckets again when a call finds them gone, and runs the call
/// once more: a nats-server that restarted alone comes back without its memory streams, and one
/// whose store was wiped (a new volume) without any. The bus does the same for its stream. At
/// most one try a second: calls that fail together wait for that try, and a NATS that is down
/// (its timeouts look alike) fails the repeated call with its own error.
/// </summary>
internal sealed class NatsRecreation : IDisposable
{
    private const int StreamNotFound = 10059;
    private const int ConsumerNotFound = 10014;

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>When the last try began (<see cref="Environment.TickCount64"/>), 0 for never.</summary>
    private long _triedAt;

    /// <summary>
    /// What a JetStream call throws when its stream is not there: a publish that no stream answers,
    /// a read with no responder, or the API's "stream not found" or "consumer not found".
    /// </summary>
    public static bool IsGone(Exception e) => e is NatsJSPublishNoResponseException or NatsNoReplyException
        || e is NatsJSApiException { Error.ErrCode: StreamNotFound or ConsumerNotFound };

    /// <summary>
    /// Runs <paramref name="call"/>; when it finds its stream gone, runs <paramref name="recreate"/>
    /// (see <see cref="TryAsync"/>) and the call once more. <paramref name="recreating"/> logs the cause.
    /// </summary>
    public async ValueTask<T> KeepAsync<T>(
        Func<CancellationToken, ValueTask<T>> call, Func<CancellationToken, Task> recreate, Action<Exception> recreating, CancellationToken ct)
    {
        try
        {
            return await call(ct);
        }
        catch (Exception e) when (IsGone(e))
        {
            await TryAsync(e, recreate, recreating, ct);
            return await call(ct);
        }
    }

    public async ValueTask KeepAsync(
        Func<CancellationToken, ValueTask> call, Func<CancellationToken, Task> recreate, Action<Exception> recreating, CancellationToken ct) =>
        await KeepAsync(async c =>
        {
            await call(c);
            return true;
        }, recreate, recreating, ct);

    /// <summary>Runs <paramref name="recreate"/>, unless another call did while this one waited or a try began less than a second ago.</summary>
    public async Task TryAsync(Exception cause, Func<CancellationToken, Task> recreate, Action<Exception> recreating, CancellationToken ct)
    {
        var seen = Interlocked.Read(ref _triedAt);
        await _gate.WaitAsync(ct);
        try
        {
            if (Interlocked.Read(ref _triedAt) != seen || (seen != 0 && Environment.TickCount64 - seen < 1_000))
            {
                return;
            }

            Interlocked.Exchange(ref _triedAt, Environment.TickCount64);
            recreating(cause);
            await recreate(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
