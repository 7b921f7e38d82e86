namespace PetitChat.Core.Apps;

/// <summary>Configuration section <c>Apps</c>: apps, bots, incoming webhooks and slash commands.</summary>
public sealed record AppOptions
{
    public const string Section = "Apps";

    /// <summary>Posts per minute that one incoming webhook may make; more get 429.</summary>
    public int IncomingRatePerMinute { get; init; } = 60;

    /// <summary>Allow app urls over plain http (development, tests); production sends events to https only.</summary>
    public bool AllowHttp { get; init; }

    public int MaxApps { get; init; } = 100;

    public int MaxCommandsPerApp { get; init; } = 20;

    public int MaxWebhooksPerChat { get; init; } = 20;

    public int MaxNameLength { get; init; } = 80;

    public int MaxUrlLength { get; init; } = 2048;

    /// <summary>Attachments one incoming webhook post may carry.</summary>
    public int MaxAttachments { get; init; } = 10;

    /// <summary>How long an app may take to answer a slash command before the caller is told it is late.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a command's response url accepts answers.</summary>
    public TimeSpan ResponseUrlLifetime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long the list of apps is cached by each node (a new bot's events start within this delay on other nodes).</summary>
    public TimeSpan DirectoryRefresh { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a delivered event's record is kept (to look at recent traffic); then it goes.</summary>
    public TimeSpan KeepDelivered { get; init; } = TimeSpan.FromDays(3);

    /// <summary>How long a dead letter is kept for an administrator to retry; then it goes.</summary>
    public TimeSpan KeepFailed { get; init; } = TimeSpan.FromDays(14);

    /// <summary>How often each node removes the deliveries past their keeping time.</summary>
    public TimeSpan DeliverySweepInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long the workers gather delivery records before writing them in one batch.</summary>
    public TimeSpan DeliveryRecordInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The most delivery records written in one batch.</summary>
    public int DeliveryRecordBatch { get; init; } = 200;

    /// <summary>The most delivery records waiting to be written; past it the workers wait (never a send).</summary>
    public int DeliveryRecordQueue { get; init; } = 10_000;

    public bool IsValid => KeepDelivered > TimeSpan.Zero && KeepFailed > TimeSpan.Zero && DeliverySweepInterval > TimeSpan.Zero
        && IncomingRatePerMinute > 0 && MaxApps > 0 && MaxCommandsPerApp > 0 && MaxWebhooksPerChat > 0
        && MaxNameLength > 0 && MaxUrlLength > 0 && MaxAttachments >= 0 && CommandTimeout > TimeSpan.Zero
        && ResponseUrlLifetime > TimeSpan.Zero && DirectoryRefresh >= TimeSpan.Zero
        && DeliveryRecordInterval >= TimeSpan.Zero && DeliveryRecordInterval <= TimeSpan.FromMinutes(1)
        && DeliveryRecordBatch is > 0 and <= 10_000 && DeliveryRecordQueue > 0;
}
