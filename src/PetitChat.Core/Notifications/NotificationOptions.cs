namespace PetitChat.Core.Notifications;

/// <summary>Configuration section <c>Notifications</c>: the policy, shared by the server and the workers.</summary>
public sealed record NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>A recipient who reads a message within this delay after it was sent is not notified.</summary>
    public TimeSpan ReadDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The notification's text preview is cut to this many characters.</summary>
    public int PreviewLength { get; init; } = 200;

    /// <summary>Run the worker inside the server process (the embedded default). Off when separate Notifier workers run.</summary>
    public bool RunInProcessWorker { get; init; } = true;

    /// <summary>A user in do-not-disturb still gets pushes for messages that mention them.</summary>
    public bool DndAllowsMentions { get; init; } = true;

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>
    /// One delivery (a push service or a webhook) gets this long, name resolution included; then it
    /// counts as a retry. A job's targets are delivered side by side, so a job takes about this long at most.
    /// </summary>
    public TimeSpan TargetTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public LaneOptions Lanes { get; init; } = LaneOptions.Default;

    /// <summary>
    /// How long a job's claim on a (user, chat) lasts (docs/decisions/0020-push-delivered-once.md): no
    /// other job pushes that chat to the user meanwhile, unless the claim is committed or released first.
    /// Longer than a paused or slow worker's send (so its push is not repeated), short enough that a dead
    /// worker's chat is pushed again soon after; more than <see cref="TargetTimeout"/>.
    /// </summary>
    public TimeSpan ClaimLease { get; init; } = TimeSpan.FromSeconds(30);
}
