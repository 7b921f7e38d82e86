using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.Nats;

public sealed partial class NatsEventBus
{
    private static readonly TimeSpan ResetRetry = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<Guid, byte> _owedResets = new();
    private int _resetLoopRunning;

    /// <summary>
    /// An event that NATS did not take is missing from its recipients' logs, and a client that
    /// resumes would not notice. Each of them gets a <see cref="StreamReset"/> once NATS takes
    /// publishes again, so their clients refetch and see the saved change. Kept in this node's
    /// memory: should the node stop before NATS returns, the 503 its caller got is the only
    /// trace (the change itself is saved in the store).
    /// </summary>
    private void OweResets(IEnumerable<Guid> recipients)
    {
        foreach (var userId in recipients)
        {
            _owedResets.TryAdd(userId, 0);
        }

        if (Interlocked.Exchange(ref _resetLoopRunning, 1) == 0)
        {
            _ = Task.Run(PayResetsAsync);
        }
    }

    private async Task PayResetsAsync()
    {
        var life = _life.Token;
        while (true)
        {
            try
            {
                await Task.Delay(ResetRetry, _time, life);
            }
            catch (OperationCanceledException)
            {
                return; // The bus is disposed: the node is stopping.
            }

            foreach (var owed in _owedResets.Keys.Chunk(RecipientsPerMessage))
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(life);
                    timeout.CancelAfter(_options.RequestTimeout);
                    await StoreAsync("reset", "{}"u8.ToArray(), owed, $"reset.{Guid.CreateVersion7():N}", timeout.Token);
                    foreach (var userId in owed)
                    {
                        _owedResets.TryRemove(userId, out _);
                    }

                    LogResetsPaid(owed.Length);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    break; // Still down: try again later.
                }
            }

            if (_owedResets.IsEmpty)
            {
                Volatile.Write(ref _resetLoopRunning, 0);
                // A failure between the emptiness check and the write above restarts the loop itself.
                if (_owedResets.IsEmpty || Interlocked.Exchange(ref _resetLoopRunning, 1) != 0)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published the reset owed to {Users} user(s) after a failed publish")]
    private partial void LogResetsPaid(int users);
}
