namespace PetitChat.Core.Apps;

/// <summary>The event types an app may subscribe to; <c>call.*</c> stands for every <c>call.</c> type.</summary>
public static class AppEventNames
{
    public const string SignalCreated = "signal.created";
    public const string SignalEdited = "signal.edited";
    public const string SignalDeleted = "signal.deleted";
    public const string ReactionChanged = "reaction.changed";
    public const string MemberJoined = "member.joined";
    public const string MemberLeft = "member.left";
    public const string CallStarted = "call.started";
    public const string CallEnded = "call.ended";
    public const string AllCalls = "call.*";

    /// <summary>What a registration may name. Edits and deletes are accepted ahead of the server emitting them.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        SignalCreated, SignalEdited, SignalDeleted, ReactionChanged, MemberJoined, MemberLeft, CallStarted, CallEnded, AllCalls,
    };

    /// <summary>Whether an app subscribed to <paramref name="events"/> wants an event of <paramref name="type"/>.</summary>
    public static bool Wants(IReadOnlyList<string> events, string type)
    {
        foreach (var e in events)
        {
            if (e == type || (e == AllCalls && type.StartsWith("call.", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
