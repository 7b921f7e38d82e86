using PetitChat.Core.Notifications;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>
/// What handlers did, across workers: how often each job ended Done, and in which order each
/// user's jobs did. Tests wait on it for a condition (never sleep) with a deadline.
/// </summary>
public sealed class JobLog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _done = [];
    private readonly Dictionary<Guid, List<string>> _byUser = [];
    private readonly List<QueuedJob> _seen = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int DoneCount(string jobId)
    {
        lock (_gate)
        {
            return _done.GetValueOrDefault(jobId);
        }
    }

    public int TotalDone
    {
        get
        {
            lock (_gate)
            {
                return _done.Values.Sum();
            }
        }
    }

    public IReadOnlyList<string> OrderOf(Guid userId)
    {
        lock (_gate)
        {
            return [.. _byUser.GetValueOrDefault(userId) ?? []];
        }
    }

    public IReadOnlyList<QueuedJob> Seen
    {
        get
        {
            lock (_gate)
            {
                return [.. _seen];
            }
        }
    }

    public void Saw(QueuedJob job) => Change(() => _seen.Add(job));

    public JobOutcome Done(NotificationJob job)
    {
        Change(() =>
        {
            _done[job.Id] = _done.GetValueOrDefault(job.Id) + 1;
            if (!_byUser.TryGetValue(job.UserId, out var list))
            {
                _byUser[job.UserId] = list = [];
            }

            list.Add(job.Id);
        });
        return JobOutcome.Done;
    }

    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition())
            {
                return;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out after {timeout} waiting for {what}.");
            }
        }
    }

    private void Change(Action change)
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            change();
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }
}
