namespace PetitChat.Core.Chats;

/// <summary>Configuration section <c>Typing</c>.</summary>
public sealed record TypingOptions
{
    public static TypingOptions Default { get; } = new();

    /// <summary>How long after a typing call the others show "is typing" (the event's <c>until</c>).</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>At most one typing event per user per chat in this time; calls in between change nothing.</summary>
    public TimeSpan Throttle { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Throttle entries kept in memory; the oldest half is forgotten beyond it.</summary>
    public int MaxTracked { get; init; } = 100_000;
}
