namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>Configuration section <c>Notifications:Nats</c>: the notification queue, ledger and presence on NATS JetStream.</summary>
public sealed record NatsNotificationOptions
{
    public const string Section = "Notifications:Nats";

    /// <summary>The NATS server, or several separated by commas; JetStream must be enabled.</summary>
    public string Url { get; init; } = "nats://127.0.0.1:4222";

    public string? Username { get; init; }

    public string? Password { get; init; }

    public string? Token { get; init; }

    public string? CredsFile { get; init; }

    /// <summary>The work-queue stream of jobs; created or updated at start-up.</summary>
    public string StreamName { get; init; } = "PETITCHAT_NOTIFY";

    /// <summary>A job for user U goes to <c>{SubjectPrefix}.{partition}.{U}</c>.</summary>
    public string SubjectPrefix { get; init; } = "petitchat.notify";

    /// <summary>
    /// Users are spread over this many partitions, each a durable consumer that hands out one job
    /// at a time (MaxAckPending = 1) to whichever worker asks: this keeps a user's jobs in order,
    /// and bounds how many jobs run at once across all workers. Change it only with the queue drained.
    /// </summary>
    public int Partitions { get; init; } = 32;

    /// <summary>
    /// Jobs queued together and not due yet (a message's, one per recipient) travel as one message, a
    /// fan, on <c>{SubjectPrefix}.fan.{n}</c> (n from the chat), and become jobs on their users' subjects
    /// when due, but for the recipients with a stream open then. Fans of one chat are handled in order,
    /// one at a time; this many chats' fans at once across all workers.
    /// </summary>
    public int FanPartitions { get; init; } = 8;

    /// <summary>Durable consumers are named <c>{ConsumerPrefix}-{partition}</c> (and <c>{ConsumerPrefix}-fan-{n}</c>).</summary>
    public string ConsumerPrefix { get; init; } = "notifier";

    /// <summary>
    /// How long a worker may hold a job without news before it is handed to another worker. A
    /// live worker reports progress every third of it, so only a dead or stuck worker loses a job.
    /// </summary>
    public TimeSpan AckWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Dead letters go to <c>{DeadLetterSubjectPrefix}.{U}</c>, kept in their own stream.</summary>
    public string DeadLetterSubjectPrefix { get; init; } = "petitchat.deadletter.notify";

    public string DeadLetterStreamName { get; init; } = "PETITCHAT_NOTIFY_DEAD";

    public TimeSpan DeadLetterRetention { get; init; } = TimeSpan.FromDays(14);

    /// <summary>The bucket of delivered idempotency keys, and how long they are kept.</summary>
    public string LedgerBucket { get; init; } = "petitchat_notify_ledger";

    public TimeSpan LedgerRetention { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The bucket of open live streams, one key per (user, node), and how long a key lives without refresh.</summary>
    public string PresenceBucket { get; init; } = "petitchat_presence";

    public TimeSpan PresenceExpiry { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The bucket of live nodes, a key per node refreshed every third of <see cref="NodeExpiry"/>: a
    /// node whose key is gone died, and its users' connections are removed then, well before their
    /// own keys expire.
    /// </summary>
    public string NodeBucket { get; init; } = "petitchat_nodes";

    public TimeSpan NodeExpiry { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The bucket of each user's last activity (their "last seen"), and how long it is kept.</summary>
    public string ActivityBucket { get; init; } = "petitchat_activity";

    public TimeSpan ActivityRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>The bucket of counts per time window (limits that hold across nodes, such as an incoming webhook's rate).</summary>
    public string CounterBucket { get; init; } = "petitchat_counters";

    public int Replicas { get; init; } = 1;

    /// <summary>
    /// How long queueing a message's jobs may take. The send waits for it (its pushes are planned
    /// before its events go out), so NATS being down must not hold the send: past this the jobs are
    /// given up (logged), the send goes on, and a retried send queues them again.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public string FanSubjectOf(Guid chatId) =>
        $"{SubjectPrefix}.fan.{PetitChat.Infrastructure.Notifications.UserHash.Of(chatId) % (uint)FanPartitions}";

    public string SubjectOf(Guid userId, int partitions) =>
        $"{SubjectPrefix}.{PetitChat.Infrastructure.Notifications.UserHash.Of(userId) % (uint)partitions}.{userId:N}";
}
