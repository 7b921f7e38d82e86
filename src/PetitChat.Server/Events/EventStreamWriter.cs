namespace PetitChat.Server.Events;

/// <summary>
/// The writing side of one open stream: events (from the stream's own loop) and heartbeats (from
/// <see cref="StreamHeartbeats"/>) take turns on the response body. Ending it cancels the stream.
/// </summary>
public sealed class EventStreamWriter(Stream body, CancellationTokenSource life, DateTimeOffset? closeAt, DateTimeOffset openedAt) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _lastWriteTicks = openedAt.UtcTicks;

    /// <summary>When the token the stream was opened with expires, if it does.</summary>
    public DateTimeOffset? CloseAt => closeAt;

    public long LastWriteTicks => Volatile.Read(ref _lastWriteTicks);

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, DateTimeOffset now)
    {
        await _gate.WaitAsync(life.Token);
        try
        {
            await WriteAndFlushAsync(bytes, now);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes unless an event is being written now (that is traffic enough); does not wait.</summary>
    public void TryWriteInBackground(ReadOnlyMemory<byte> bytes, DateTimeOffset now)
    {
        if (_gate.Wait(0))
        {
            _ = HeartbeatAsync(bytes, now);
        }
    }

    /// <summary>Ends the stream: its loop stops, and the client resumes from its last id.</summary>
    public void End()
    {
        try
        {
            life.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It ended meanwhile.
        }
    }

    /// <summary>
    /// Waits for a heartbeat still being written and keeps the gate, so nothing touches the body
    /// after the response. (The semaphore has no wait handle to free.)
    /// </summary>
    public async ValueTask DisposeAsync() => await _gate.WaitAsync();

    private async Task HeartbeatAsync(ReadOnlyMemory<byte> bytes, DateTimeOffset now)
    {
        try
        {
            await WriteAndFlushAsync(bytes, now);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away or the stream is ending: end it (again), nothing else to do.
            End();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task WriteAndFlushAsync(ReadOnlyMemory<byte> bytes, DateTimeOffset now)
    {
        await body.WriteAsync(bytes, life.Token);
        await body.FlushAsync(life.Token);
        Volatile.Write(ref _lastWriteTicks, now.UtcTicks);
    }
}
