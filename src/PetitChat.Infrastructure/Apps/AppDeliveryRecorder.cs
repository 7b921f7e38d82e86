using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PetitChat.Core.Apps;

namespace PetitChat.Infrastructure.Apps;

/// <summary>
/// Writes the workers' delivery records in batches: one store write per
/// <see cref="AppOptions.DeliveryRecordInterval"/> (or per <see cref="AppOptions.DeliveryRecordBatch"/>
/// records) instead of one per delivery, so that app traffic takes the SQLite file's write lock a few
/// times a second rather than twice per event (each turn a send may wait for). Records are written
/// in the order given, the last one of a delivery in a batch winning.
/// </summary>
/// <remarks>
/// A durable record (a retry's or a dead letter's) is awaited until written, so the queue hands the
/// job on only once an administrator can see it; a delivered one is not, and is lost with the
/// process if it stops before the next write (the event reached the app; only its listing is gone).
/// The queue of records is bounded (<see cref="AppOptions.DeliveryRecordQueue"/>): past it the
/// workers wait, never the send's path. Disposing writes what is queued.
/// </remarks>
public sealed partial class AppDeliveryRecorder : IAsyncDisposable
{
    private const int WriteAttempts = 3;

    private readonly IAppDeliveryStore _store;
    private readonly AppOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AppDeliveryRecorder> _logger;
    private readonly Channel<Record> _records;
    private readonly Task _writer;

    public AppDeliveryRecorder(IAppDeliveryStore store, AppOptions options, TimeProvider time, ILogger<AppDeliveryRecorder> logger)
    {
        (_store, _options, _time, _logger) = (store, options, time, logger);
        _records = Channel.CreateBounded<Record>(new BoundedChannelOptions(options.DeliveryRecordQueue)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(WriteAllAsync);
    }

    /// <summary>
    /// Queues the record; with <paramref name="durable"/>, completes once it is written (and throws
    /// when it could not be), else once it is queued.
    /// </summary>
    public async Task RecordAsync(AppDelivery delivery, bool durable, CancellationToken ct)
    {
        var written = durable ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        await _records.Writer.WriteAsync(new Record(delivery, written), ct);
        if (written is not null)
        {
            await written.Task.WaitAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _records.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteAllAsync()
    {
        var batch = new List<Record>(_options.DeliveryRecordBatch);
        var reader = _records.Reader;
        while (await reader.WaitToReadAsync())
        {
            // Gather for one interval after the first record, unless the batch fills first.
            using (var gathering = new CancellationTokenSource(_options.DeliveryRecordInterval, _time))
            {
                try
                {
                    while (batch.Count < _options.DeliveryRecordBatch && await reader.WaitToReadAsync(gathering.Token))
                    {
                        while (batch.Count < _options.DeliveryRecordBatch && reader.TryRead(out var record))
                        {
                            batch.Add(record);
                        }
                    }
                }
                catch (OperationCanceledException) when (gathering.IsCancellationRequested)
                {
                }
            }

            while (batch.Count < _options.DeliveryRecordBatch && reader.TryRead(out var more))
            {
                batch.Add(more);
            }

            await WriteAsync(batch);
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<Record> batch)
    {
        // The last record of a delivery wins (a batch write may not name one key twice).
        var last = new Dictionary<(Guid, Guid), AppDelivery>(batch.Count);
        foreach (var record in batch)
        {
            last[(record.Delivery.AppId, record.Delivery.Id)] = record.Delivery;
        }

        Exception? failure = null;
        for (var attempt = 1; attempt <= WriteAttempts; attempt++)
        {
            try
            {
                await _store.SaveDeliveriesAsync(last.Values, CancellationToken.None);
                failure = null;
                break;
            }
#pragma warning disable CA1031 // Reported to the durable records' callers, and logged for the others.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = e;
                if (attempt < WriteAttempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), _time);
                }
            }
        }

        if (failure is not null)
        {
            LogNotWritten(failure, last.Count);
        }

        foreach (var record in batch)
        {
            if (failure is null)
            {
                record.Written?.TrySetResult();
            }
            else
            {
                record.Written?.TrySetException(failure);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} app delivery record(s) were not written")]
    private partial void LogNotWritten(Exception e, int count);

    private readonly record struct Record(AppDelivery Delivery, TaskCompletionSource? Written);
}
