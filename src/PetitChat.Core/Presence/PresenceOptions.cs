namespace PetitChat.Core.Presence;

/// <summary>Configuration section <c>Presence</c>.</summary>
public sealed record PresenceOptions
{
    public const string Section = "Presence";

    /// <summary>A connected user without activity for this long is <c>away</c>.</summary>
    public TimeSpan AwayAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>After the last stream closes, the user stays as they were this long, so a reconnect does not flap.</summary>
    public TimeSpan OfflineGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>At most one <c>presence</c> event per user per this window (from one node).</summary>
    public TimeSpan Coalesce { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often each node looks again at its connected users (away, expired statuses) and for dead nodes.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Users per <c>POST /api/v1/presence/query</c>.</summary>
    public int MaxQueryUsers { get; init; } = 200;

    /// <summary>Characters of a status text.</summary>
    public int MaxStatusText { get; init; } = 100;

    /// <summary>How far ahead a status may expire.</summary>
    public TimeSpan MaxStatusDuration { get; init; } = TimeSpan.FromDays(30);

    /// <summary>A user's chats read to find who shares one with them (their presence audience).</summary>
    public int MaxPartnerChats { get; init; } = 1_000;

    /// <summary>
    /// How long a user's chat partners are kept before they are read again (<see cref="ChatPartners"/>).
    /// Every change of members drops them at once on every node; this bounds how long a node that
    /// missed such a notice goes on with the old ones. Zero reads them for every event and read.
    /// </summary>
    public TimeSpan PartnerCacheFor { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Microsoft 365 presence older than this (the sync stopped) is ignored.</summary>
    public TimeSpan ExternalFreshFor { get; init; } = TimeSpan.FromMinutes(10);

    public bool IsValid => AwayAfter > TimeSpan.Zero && OfflineGrace >= TimeSpan.Zero && Coalesce >= TimeSpan.Zero
        && SweepInterval > TimeSpan.Zero && MaxQueryUsers > 0 && MaxStatusText > 0 && MaxStatusDuration > TimeSpan.Zero
        && MaxPartnerChats > 0 && PartnerCacheFor >= TimeSpan.Zero && ExternalFreshFor > TimeSpan.Zero;
}
