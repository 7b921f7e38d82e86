namespace PetitChat.Core.Receipts;

/// <summary>Configuration section <c>Receipts</c>.</summary>
public sealed record ReceiptOptions
{
    public const string Section = "Receipts";

    public static ReceiptOptions Default { get; } = new();

    /// <summary>
    /// At most one <c>receipt</c> event per chat (so per recipient) in this time: moves in between
    /// are gathered into the next one, the latest per member and state. Zero sends one event per
    /// move (members squared events when a whole group reads a message).
    /// </summary>
    public TimeSpan CoalesceWindow { get; init; } = TimeSpan.FromSeconds(1);
}
