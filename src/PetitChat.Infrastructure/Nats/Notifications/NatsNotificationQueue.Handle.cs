using System.Text.Json;
using Microsoft.Extensions.Logging;
using NATS.Client.JetStream;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Nats.Notifications;

public sealed partial class NatsNotificationQueue
{
    /// <summary>
    /// One job: report progress while the handler runs (so only a dead worker's job is handed
    /// out again), then acknowledge, retry later, or dead-letter and then acknowledge. Nothing is
    /// acknowledged before the outcome is known.
    /// </summary>
    private async Task HandleAsync(INatsJSMsg<byte[]> msg, Func<QueuedJob, CancellationToken, Task<JobOutcome>> handler, CancellationToken ct)
    {
        var attempt = (int)Math.Min(msg.Metadata?.NumDelivered ?? 1, int.MaxValue);
        NotificationJob? job = null;
        try
        {
            job = msg.Data is { Length: > 0 } data ? JsonSerializer.Deserialize(data, NatsNotificationJson.Default.NotificationJob) : null;
        }
        catch (JsonException)
        {
        }

        if (job is null)
        {
            LogUnreadable(msg.Subject);
            await msg.AckTerminateAsync(new AckOpts { TerminateReason = "unreadable notification job" }, CancellationToken.None);
            return;
        }

        if (attempt > retry.MaxAttempts)
        {
            // Handed out more often than allowed without an outcome: workers died or hung on it.
            await DeadLetterAsync(msg, new DeadLetter(job, $"handed out {attempt - 1} times without an outcome (the workers died or hung)",
                attempt - 1, time.GetUtcNow()));
            return;
        }

        JobOutcome outcome;
        try
        {
            outcome = await WithProgressAsync(msg, () => handler(new QueuedJob(job, attempt), ct), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            outcome = JobOutcome.Retry($"the worker failed: {e.GetType().Name}: {e.Message}");
        }

        // The outcome is known: report it even when stopping (NATS' own request timeout bounds it).
        switch (outcome)
        {
            case DoneOutcome:
                await msg.AckAsync(new AckOpts { DoubleAck = true }, CancellationToken.None);
                break;
            case RetryOutcome { Reason: var reason, After: var after } when attempt < retry.MaxAttempts:
                var delay = retry.DelayAfter(attempt, after);
                LogRetry(job.Id, attempt, delay, reason);
                await msg.NakAsync(new AckOpts { NakDelay = delay }, CancellationToken.None);
                break;
            case RetryOutcome { Reason: var reason }:
                await DeadLetterAsync(msg, new DeadLetter(job, $"gave up after {attempt} attempts: {reason}", attempt, time.GetUtcNow()));
                break;
            case FailOutcome { Reason: var reason }:
                await DeadLetterAsync(msg, new DeadLetter(job, reason, attempt, time.GetUtcNow()));
                break;
        }
    }

    /// <summary>Stores the dead letter first, then acknowledges: a crash in between dead-letters it twice, never zero times.</summary>
    private async Task DeadLetterAsync(INatsJSMsg<byte[]> msg, DeadLetter letter)
    {
        await PublishDeadLetterAsync(letter);
        await msg.AckAsync(new AckOpts { DoubleAck = true }, CancellationToken.None);
    }

    private async Task PublishDeadLetterAsync(DeadLetter letter)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(letter, NatsNotificationJson.Default.DeadLetter);
        var ack = await PublishAsync($"{_options.DeadLetterSubjectPrefix}.{letter.Job.UserId:N}", body, $"dead.{letter.Job.Id}", CancellationToken.None);
        if (!ack.Duplicate)
        {
            ack.EnsureSuccess();
        }

        LogDeadLetter(letter.Job.Id, letter.Job.UserId, letter.Attempts, letter.Reason);
    }

    /// <summary>
    /// Runs <paramref name="work"/> while reporting progress on <paramref name="msg"/>, so that only a
    /// dead or stuck worker's message is handed out again. Stopping (<paramref name="ct"/>) hands the
    /// message back at once rather than after AckWait; any other failure is the caller's.
    /// </summary>
    private async Task<T> WithProgressAsync<T>(INatsJSMsg<byte[]> msg, Func<Task<T>> work, CancellationToken ct)
    {
        var stopping = false;
        using var running = new CancellationTokenSource();
        var progress = ReportProgressAsync(msg, running.Token);
        try
        {
            return await work();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            stopping = true;
            throw;
        }
        finally
        {
            await running.CancelAsync();
            await progress;
            if (stopping)
            {
                await msg.NakAsync(cancellationToken: CancellationToken.None);
            }
        }
    }

    private async Task ReportProgressAsync(INatsJSMsg<byte[]> msg, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.AckWait / 3, time, ct);
                await msg.AckProgressAsync(cancellationToken: ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
#pragma warning disable CA1031 // A failed progress report only risks a redelivery, which the ledger absorbs.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A notification stream or consumer was not found in NATS (a NATS that came back without its store?); creating them again")]
    private partial void LogRecreating(Exception cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queueing {Count} notification job(s) failed")]
    private partial void LogEnqueueFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consuming notification jobs from {Consumer} failed; trying again")]
    private partial void LogConsumeFailed(Exception exception, string consumer);

    [LoggerMessage(Level = LogLevel.Error, Message = "An unreadable notification job on {Subject} was dropped")]
    private partial void LogUnreadable(string subject);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification job {JobId} attempt {Attempt} will be retried in {Delay}: {Reason}")]
    private partial void LogRetry(string jobId, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification job {JobId} for {UserId} dead-lettered after {Attempts} attempt(s): {Reason}")]
    private partial void LogDeadLetter(string jobId, Guid userId, int attempts, string reason);
}
