namespace PetitChat.Server.Limits;

/// <summary>
/// Configuration section <c>RateLimits</c>: how much one caller may ask for. Authenticated calls
/// are counted per user (the token's <c>sub</c>), anonymous ones per client address. The
/// defaults are far above what a person at a keyboard does, and low enough that one account or
/// one address cannot starve the others; tests and benchmarks that flood on purpose raise them.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Every call under <c>/api/v1</c>, per user.</summary>
    public WindowLimit Api { get; set; } = WindowLimit.PerMinute(1200);

    /// <summary>Calls without a user (token requests, login form, stream by ticket), per client address.</summary>
    public WindowLimit Anonymous { get; set; } = WindowLimit.PerMinute(600);

    /// <summary><c>POST /api/v1/chats/{chatId}/signals</c>, per user.</summary>
    public WindowLimit Sends { get; set; } = WindowLimit.PerMinute(300);

    /// <summary><c>POST /api/v1/chats/{chatId}/files</c> requests, per user (bytes: <see cref="UploadBytesPerMinute"/>).</summary>
    public WindowLimit Uploads { get; set; } = WindowLimit.PerMinute(60);

    /// <summary>Bytes a user may upload per minute (a token bucket, refilled continuously).</summary>
    public long UploadBytesPerMinute { get; set; } = 500L * 1024 * 1024;

    /// <summary><c>GET /api/v1/chats/{chatId}/search</c>, per user.</summary>
    public WindowLimit Searches { get; set; } = WindowLimit.PerMinute(60);

    /// <summary><c>POST /api/v1/events/tickets</c>, per user.</summary>
    public WindowLimit Tickets { get; set; } = WindowLimit.PerMinute(60);

    /// <summary><c>GET /api/v1/users</c> (may call the identity provider's admin API), per user.</summary>
    public WindowLimit UserSearch { get; set; } = WindowLimit.PerMinute(120);

    /// <summary><c>POST /api/v1/me/push-subscriptions</c> and <c>PUT /api/v1/me/webhook</c>, per user.</summary>
    public WindowLimit PushSubscriptions { get; set; } = WindowLimit.PerMinute(10);

    /// <summary>Password attempts (token endpoint and login form) for one username, from anywhere.</summary>
    public WindowLimit TokensPerUsername { get; set; } = WindowLimit.PerMinute(10);

    /// <summary>Token requests and login attempts from one client address, whatever the username.</summary>
    public WindowLimit TokensPerAddress { get; set; } = WindowLimit.PerMinute(60);

    /// <summary>
    /// Reverse proxies whose <c>X-Forwarded-For</c> is believed; from anyone else the header is
    /// ignored, so a client cannot pick its own address (and its own rate-limit partition).
    /// </summary>
    public string[] KnownProxies { get; set; } = [];

    public bool IsValid() =>
        new[] { Api, Anonymous, Sends, Uploads, Searches, Tickets, UserSearch, PushSubscriptions, TokensPerUsername, TokensPerAddress }
            .All(l => l.PermitLimit > 0 && l.Window > TimeSpan.Zero)
        && UploadBytesPerMinute >= 1024
        && KnownProxies.All(p => System.Net.IPAddress.TryParse(p, out _));
}
