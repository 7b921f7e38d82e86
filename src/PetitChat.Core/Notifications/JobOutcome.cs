namespace PetitChat.Core.Notifications;

/// <summary>What a worker made of a job; the queue acknowledges, retries or dead-letters accordingly.</summary>
public abstract record JobOutcome
{
    /// <summary>Delivered, or nothing to deliver (read, connected, muted...): acknowledge it.</summary>
    public static readonly JobOutcome Done = new DoneOutcome();

    public static JobOutcome Retry(string reason, TimeSpan? after = null) => new RetryOutcome(reason, after);

    public static JobOutcome Fail(string reason) => new FailOutcome(reason);
}

public sealed record DoneOutcome : JobOutcome;

/// <summary>A failure that may pass (429, 5xx, network): try again later, at <see cref="After"/> when the channel said so.</summary>
public sealed record RetryOutcome(string Reason, TimeSpan? After) : JobOutcome;

/// <summary>A failure that retrying cannot fix: dead-letter the job now with its reason.</summary>
public sealed record FailOutcome(string Reason) : JobOutcome;
