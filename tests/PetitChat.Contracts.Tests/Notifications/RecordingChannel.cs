using System.Collections.Concurrent;
using PetitChat.Core.Notifications;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>
/// A channel stand-in that records deliveries instead of calling a push service (the real Web
/// Push and webhook channels are tested over HTTP in PetitChat.Server.Tests). Targets and their
/// next answers are set by the test.
/// </summary>
public sealed class RecordingChannel : INotificationChannel
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Delivery>> _answers = new();

    public string[] TargetKeys { get; set; } = ["device-1"];

    public ConcurrentQueue<(string Target, Notification Notification)> Delivered { get; } = new();

    public string Name => "recording";

    /// <summary>
    /// When set, the next delivery is recorded (the target has it) and then waits for it to complete, as a
    /// worker paused (SIGSTOP) after the target's 2xx and before its ledger writes; <see cref="Holding"/>
    /// completes once it waits.
    /// </summary>
    public TaskCompletionSource? HoldAfterDelivering { get; set; }

    public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// When set, the next delivery is recorded (the target has it) and its answer is read only after this
    /// long with the thread blocked, as in a worker process paused (SIGSTOP) while the answer came in; a
    /// cancellation that fired meanwhile wins then, as it does in HttpClient.
    /// </summary>
    public TimeSpan? StallBeforeAnswering { get; set; }

    public void AnswerNext(string target, params Delivery[] answers) => _answers[target] = new ConcurrentQueue<Delivery>(answers);

    public Task<IReadOnlyList<ChannelTarget>> TargetsAsync(Guid userId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ChannelTarget>>([.. TargetKeys.Select(k => new ChannelTarget(k, k))]);

    public async Task<Delivery> DeliverAsync(ChannelTarget target, Notification notification, CancellationToken ct)
    {
        if (_answers.TryGetValue(target.Key, out var queue) && queue.TryDequeue(out var answer))
        {
            return answer;
        }

        Delivered.Enqueue((target.Key, notification));
        if (StallBeforeAnswering is { } stall)
        {
            StallBeforeAnswering = null;
            await Task.Yield();
            Thread.Sleep(stall);
            ct.ThrowIfCancellationRequested();
        }

        if (HoldAfterDelivering is { } hold)
        {
            HoldAfterDelivering = null;
            Holding.TrySetResult();
            await hold.Task;
        }

        return Delivery.Ok;
    }
}
