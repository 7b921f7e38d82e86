namespace PetitChat.Server.Limits;

/// <summary>Configuration section <c>Limits</c> (beside the core's): request bodies, time and streams.</summary>
public sealed class RequestLimitOptions
{
    /// <summary>Bytes in any request body but an upload's (JSON, forms); a larger one gets 413.</summary>
    public long MaxJsonBody { get; set; } = 1024 * 1024;

    /// <summary>How long a request may take before it is cancelled with 503; not the live stream, uploads or downloads.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an upload or a download may take.</summary>
    public TimeSpan TransferTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Live streams one user may hold open on one node; opening one more closes the oldest.</summary>
    public int MaxStreamsPerUser { get; set; } = 20;
}
