namespace PetitChat.Infrastructure.WebPush;

/// <summary>Configuration section <c>Notifications:WebPush</c>: the VAPID identity of this server (RFC 8292).</summary>
public sealed record WebPushOptions
{
    public const string Section = "Notifications:WebPush";

    /// <summary>A contact for push services: <c>mailto:</c> or an https URL.</summary>
    public string Subject { get; init; } = "mailto:admin@localhost";

    /// <summary>The VAPID public key (uncompressed P-256 point, base64url). Set both keys in production, the same on every node and worker.</summary>
    public string? PublicKey { get; init; }

    /// <summary>The VAPID private key (the P-256 scalar, base64url). A secret.</summary>
    public string? PrivateKey { get; init; }

    /// <summary>When the keys are not set: a file where a key pair is generated on first start and read afterwards.</summary>
    public string KeyPath { get; init; } = "data/vapid-keys.json";

    /// <summary>How long a push service keeps a message for an offline browser.</summary>
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long an "incoming call" rings, counted from the call's start: its push expires at the
    /// push service when the ringing is over, so a phone that comes online later does not ring for
    /// a call long gone. Keep it at <c>Calls:RingTimeout</c>.
    /// </summary>
    public TimeSpan CallTimeToLive { get; init; } = TimeSpan.FromSeconds(60);
}
