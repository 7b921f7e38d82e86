using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>
/// The notification queue on NATS JetStream: a work-queue stream with a subject per user
/// (<c>petitchat.notify.{partition}.{userId}</c>), and one durable pull consumer per partition,
/// shared by every worker. Each consumer allows one unacknowledged job (MaxAckPending = 1), so a
/// job goes to exactly one worker and a user's jobs are handled in order; partitions run in
/// parallel, spread over the workers that ask. See docs/decisions/0007-notification-partitions.md.
/// </summary>
public sealed partial class NatsNotificationQueue(
    NotificationNatsConnection nats,
    IOptions<NatsNotificationOptions> options,
    RetryPolicy retry,
    TimeProvider time,
    ILogger<NatsNotificationQueue> logger,
    NatsPresence? presence = null) : INotificationQueue, IDisposable
{
    private readonly NatsNotificationOptions _options = options.Value;
    private readonly NatsRecreation _recreation = new();
    private NatsJSContext Js => nats.JetStream;

    /// <summary>
    /// A publish to the job or dead-letter stream. One that no stream answers (a NATS whose store was
    /// wiped) creates the streams and consumers again and is made once more.
    /// </summary>
    private ValueTask<PubAckResponse> PublishAsync(string subject, byte[] body, string messageId, CancellationToken ct) =>
        _recreation.KeepAsync(c => Js.PublishAsync(subject, body, opts: new NatsJSPubOpts { MsgId = messageId }, cancellationToken: c), EnsureAsync, LogRecreating, ct);

    /// <summary>Creates or updates the job stream, the dead-letter stream and the partition consumers. Idempotent.</summary>
    public async Task EnsureAsync(CancellationToken ct)
    {
        await Js.CreateOrUpdateStreamAsync(new StreamConfig(_options.StreamName, [$"{_options.SubjectPrefix}.*.*"])
        {
            Description = "Petit chat: notification jobs, a subject per user, consumed once by the workers.",
            Retention = StreamConfigRetention.Workqueue,
            Storage = StreamConfigStorage.File,
            NumReplicas = _options.Replicas,
            // A job enqueued twice (a retried publish) carries its id as the message id and is stored once.
            DuplicateWindow = TimeSpan.FromMinutes(2),
        }, ct);
        await Js.CreateOrUpdateStreamAsync(new StreamConfig(_options.DeadLetterStreamName, [$"{_options.DeadLetterSubjectPrefix}.*"])
        {
            Description = "Petit chat: notification jobs given up on, with the reason.",
            Retention = StreamConfigRetention.Limits,
            Storage = StreamConfigStorage.File,
            NumReplicas = _options.Replicas,
            MaxAge = _options.DeadLetterRetention,
        }, ct);
        for (var p = 0; p < _options.Partitions; p++)
        {
            await EnsureConsumerAsync(ConsumerName(p), $"{_options.SubjectPrefix}.{p}.*", ct);
        }

        for (var n = 0; n < _options.FanPartitions; n++)
        {
            await EnsureConsumerAsync(FanConsumerName(n), $"{_options.SubjectPrefix}.fan.{n}", ct);
        }
    }

    /// <summary>A durable consumer that hands out one message at a time, to whichever worker asks.</summary>
    private async Task EnsureConsumerAsync(string name, string filter, CancellationToken ct) =>
        await Js.CreateOrUpdateConsumerAsync(_options.StreamName, new ConsumerConfig(name)
        {
            DurableName = name,
            FilterSubject = filter,
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            DeliverPolicy = ConsumerConfigDeliverPolicy.All,
            MaxAckPending = 1,
            AckWait = _options.AckWait,
            MaxDeliver = -1,
            NumReplicas = _options.Replicas,
        }, ct);

    public async Task EnqueueAsync(IReadOnlyCollection<NotificationJob> jobs, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            if (NotificationFan.Of(jobs, time.GetUtcNow()) is { } fan)
            {
                await PublishFanAsync(fan, timeout.Token);
                return;
            }

            await PublishJobsAsync(jobs, timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogEnqueueFailed(e, jobs.Count);
            throw;
        }
    }

    /// <summary>Each job on its user's subject, its id as the message id (a job published twice is stored once).</summary>
    private async Task PublishJobsAsync(IEnumerable<NotificationJob> jobs, CancellationToken ct)
    {
        await Task.WhenAll(jobs.Select(async job =>
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(job, NatsNotificationJson.Default.NotificationJob);
            var ack = await PublishAsync(_options.SubjectOf(job.UserId, _options.Partitions), body, job.Id, ct);
            try
            {
                ack.EnsureSuccess();
            }
            catch (NatsJSDuplicateMessageException)
            {
                // Queued moments ago with the same id: stored once, which is what was asked.
            }
        }));
    }

    public async Task ConsumeAsync(Func<QueuedJob, CancellationToken, Task<JobOutcome>> handler, CancellationToken ct) =>
        await Task.WhenAll(Enumerable.Range(0, _options.Partitions)
            .Select(p => Task.Run(() => ConsumePartitionAsync(p, handler, ct), CancellationToken.None))
            .Concat(Enumerable.Range(0, _options.FanPartitions)
                .Select(n => Task.Run(() => ConsumeFansAsync(n, ct), CancellationToken.None))));

    public async Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(int max, CancellationToken ct)
    {
        var stream = await Js.GetStreamAsync(_options.DeadLetterStreamName, cancellationToken: ct);
        var last = stream.Info.State.LastSeq;
        var count = (ulong)Math.Min((long)stream.Info.State.Messages, max);
        if (count == 0)
        {
            return [];
        }

        var consumer = await Js.CreateOrderedConsumerAsync(_options.DeadLetterStreamName, new NatsJSOrderedConsumerOpts
        {
            DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
            OptStartSeq = last - count + 1,
        }, ct);
        var letters = new List<DeadLetter>((int)count);
        await foreach (var msg in consumer.FetchAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = (int)count, Expires = TimeSpan.FromSeconds(5) }, cancellationToken: ct))
        {
            if (msg.Data is { } data && JsonSerializer.Deserialize(data, NatsNotificationJson.Default.DeadLetter) is { } letter)
            {
                letters.Add(letter);
            }
        }

        return letters;
    }

    /// <summary>A consumer or its stream not found (a NATS whose store was wiped): the streams and consumers are created again.</summary>
    private async Task RecreateIfGoneAsync(Exception failure, CancellationToken ct)
    {
        if (!NatsRecreation.IsGone(failure))
        {
            return;
        }

        try
        {
            await _recreation.TryAsync(failure, EnsureAsync, LogRecreating, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException)
        {
            LogConsumeFailed(e, "(creating the streams again)");
        }
    }

    public void Dispose() => _recreation.Dispose();

    private string ConsumerName(int partition) => $"{_options.ConsumerPrefix}-{partition}";

    private string FanConsumerName(int partition) => $"{_options.ConsumerPrefix}-fan-{partition}";

    private Task ConsumePartitionAsync(int partition, Func<QueuedJob, CancellationToken, Task<JobOutcome>> handler, CancellationToken ct) =>
        ConsumeEachAsync(ConsumerName(partition), msg => HandleAsync(msg, handler, ct), ct);

    /// <summary>
    /// Hands the consumer's messages to <paramref name="handle"/>, one at a time, until cancelled; a
    /// failure (NATS going away) is logged and the consumer is asked for again a second later. A
    /// reconnect asks for it again at once: the pull that was waiting went with the old connection,
    /// and the client's own recovery waits for missed heartbeats (SavedSendPushTests took 37 s
    /// without this, 10 s with it, after a lone nats-server restart).
    /// </summary>
    private async Task ConsumeEachAsync(string consumerName, Func<INatsJSMsg<byte[]>, Task> handle, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            using var reopened = CancellationTokenSource.CreateLinkedTokenSource(ct);
            ValueTask Renew(object? sender, NatsEventArgs args)
            {
                reopened.Cancel();
                return ValueTask.CompletedTask;
            }

            nats.Connection.ConnectionOpened += Renew;
            try
            {
                var consumer = await Js.GetConsumerAsync(_options.StreamName, consumerName, reopened.Token);
                // One at a time: the consumer hands out one message anyway (MaxAckPending = 1),
                // and a worker should not sit on one it has not started.
                await foreach (var msg in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = 1 }, cancellationToken: reopened.Token))
                {
                    await handle(msg);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (reopened.IsCancellationRequested)
            {
                // Reconnected: ask again.
            }
            catch (Exception e)
            {
                LogConsumeFailed(e, consumerName);
                await RecreateIfGoneAsync(e, ct);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            finally
            {
                nats.Connection.ConnectionOpened -= Renew;
            }
        }
    }
}
