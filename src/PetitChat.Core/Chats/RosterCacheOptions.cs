namespace PetitChat.Core.Chats;

/// <summary>Configuration section <c>RosterCache</c>: the members that sends read from memory (<see cref="RosterCache"/>).</summary>
public sealed record RosterCacheOptions
{
    public const string Section = "RosterCache";

    public static RosterCacheOptions Default { get; } = new();

    /// <summary>
    /// How long a chat's members are kept before they are read again. Every change of members
    /// drops them at once on every node (<see cref="IRosterChanges"/>); this bounds how long a
    /// node that missed such a notice (its NATS connection was down) goes on with the old ones.
    /// Zero turns the cache off: every send reads the store.
    /// </summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Chats kept at most; beyond it the expired ones go, and all of them if none has expired.</summary>
    public int MaxChats { get; init; } = 10_000;
}
