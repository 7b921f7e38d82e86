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

    /// <summary>Events of user U go to <c>{SubjectPrefix}.user.{U}</c>.</summary>
    public string SubjectPrefix { get; init; } = "petitchat";

    /// <summary>How long events stay resumable (the stream's MaxAge).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Copies of the stream in a JetStream cluster (1 on a single server, 3 in production clusters).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Events buffered for one live subscriber before it is dropped as too slow (it then resumes).</summary>
    public int SubscriberBuffer { get; init; } = 1_000;

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

    public string SubjectOf(Guid userId) => $"{SubjectPrefix}.user.{userId:N}";

    /// <summary>Ephemeral events of user U (core NATS, not stored) go to <c>{SubjectPrefix}.ephemeral.{U}</c>.</summary>
    public string EphemeralSubjectOf(Guid userId) => $"{SubjectPrefix}.ephemeral.{userId:N}";
}
