namespace PetitChat.Infrastructure.Nats;

/// <summary>Configuration section <c>Bus:Nats</c>.</summary>
public sealed record NatsBusOptions
{
    public const string Section = "Bus:Nats";

    /// <summary>The NATS server, or several separated by commas (a cluster); JetStream must be enabled.</summary>
    public string Url { get; init; } = "nats://127.0.0.1:4222";

    /// <summary>User and password, when the server asks for them.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>A token, when the server authenticates by token.</summary>
    public string? Token { get; init; }

    /// <summary>A .creds file (JWT + NKey seed), when the server runs decentralized auth.</summary>
    public string? CredsFile { get; init; }

    /// <summary>The JetStream stream holding every user's events; created or updated at start-up.</summary>
    public string StreamName { get; init; } = "PETITCHAT_EVENTS";

    /// <summary>
    /// The subjects' first token: stored events go to <c>{SubjectPrefix}.events</c>, their live
    /// copies to <c>{SubjectPrefix}.live.&gt;</c>, ephemeral ones to <c>{SubjectPrefix}.ephemeral</c>.
    /// </summary>
    public string SubjectPrefix { get; init; } = "petitchat";

    /// <summary>How long events stay resumable (the stream's MaxAge).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Copies of the stream in a JetStream cluster (1 on a single server, 3 in production clusters).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Events buffered for one live subscriber before it is dropped as too slow (it then resumes).</summary>
    public int SubscriberBuffer { get; init; } = 1_000;

    /// <summary>
    /// Stored events the node's live subscription may hold unread (every user's). Core NATS drops
    /// what does not fit; the node sees the gap in the sequences and reads the missing events
    /// from the stream, so a small buffer costs reads, never events.
    /// </summary>
    public int LiveBuffer { get; init; } = 65_536;

    /// <summary>
    /// The most stream messages (every user's, not only the client's) that resuming a stream may
    /// read through: a client further behind gets a <c>reset</c> and reloads instead. The same
    /// bound ends the streams of a node that fell that far behind the stream (they resume).
    /// </summary>
    public int MaxReplay { get; init; } = 100_000;

    /// <summary>
    /// How long a publish waits for JetStream's acknowledgement, and opening a live stream for
    /// the stream's state, before failing. While NATS is unreachable every send that has events
    /// waits this long, then fails with 503.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The key-value bucket holding stream tickets, shared by every node.</summary>
    public string TicketBucket { get; init; } = "PETITCHAT_TICKETS";

    /// <summary>How long an unused ticket stays in the bucket; must exceed <c>Events:TicketLifetime</c>.</summary>
    public TimeSpan TicketRetention { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Every stored event, once, with its recipients in a header (decision 0023).</summary>
    public string EventsSubject => $"{SubjectPrefix}.events";

    /// <summary>
    /// The subjects of nodes from before decision 0023 (one message per recipient, on the
    /// recipient's subject), still taken by the stream so that such a node's events are stored
    /// and delivered during a rolling upgrade.
    /// </summary>
    public string UserSubjects => $"{SubjectPrefix}.user.*";

    /// <summary>Where the stream republishes each message as it stores it (core NATS), with its sequence; every node listens.</summary>
    public string LiveSubjects => $"{SubjectPrefix}.live.>";

    /// <summary>Ephemeral events (typing): core NATS, outside the stream, with their recipients in a header.</summary>
    public string EphemeralSubject => $"{SubjectPrefix}.ephemeral";
}
