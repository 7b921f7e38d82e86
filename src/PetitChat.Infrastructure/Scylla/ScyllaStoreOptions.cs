namespace PetitChat.Infrastructure.Scylla;

/// <summary>The ScyllaDB store through Alternator (its DynamoDB API), bound from <c>Store:Scylla</c>.</summary>
public sealed record ScyllaStoreOptions
{
    public const string Section = "Store:Scylla";

    public static ScyllaStoreOptions Default { get; } = new();

    /// <summary>
    /// Alternator endpoints, one per Scylla node (<c>http://node:8000</c>). Alternator has no load
    /// balancer of its own, so requests go round-robin over these and skip a node that does not answer.
    /// </summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>Signed into requests; Scylla ignores it, DynamoDB needs the real one.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>With <c>alternator_enforce_authorization</c>: a role name; otherwise any value.</summary>
    public string AccessKey { get; init; } = "alternator";

    /// <summary>With <c>alternator_enforce_authorization</c>: the role's salted hash; otherwise any value.</summary>
    public string SecretKey { get; init; } = "secret";

    /// <summary>Put before every table name, so that several deployments (or tests) share a cluster.</summary>
    public string TablePrefix { get; init; } = "petitchat_";

    /// <summary>How long one request may take before it counts as a failure of its endpoint.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts per operation (the first included) for failures that are safe to retry.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The first backoff; each retry doubles it, with jitter.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long an endpoint that refused a connection or timed out is skipped.</summary>
    public TimeSpan DeadEndpointPause { get; init; } = TimeSpan.FromSeconds(10);
}
