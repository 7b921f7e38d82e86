namespace PetitChat.Core.Threads;

/// <summary>
/// What a thread's root carries: how many replies it has, when the newest came, and who takes
/// part (the root's sender first, then repliers, at most <see cref="MaxParticipants"/>). Kept on
/// the root by the store, in the write of each reply, so concurrent replies all count; deleting a
/// reply or the root changes nothing here.
/// </summary>
public sealed record ThreadSummary(int ReplyCount, DateTimeOffset LastReplyAt, IReadOnlyList<Guid> ParticipantIds)
{
    /// <summary>
    /// Distinct participants a root keeps (the first ones to take part): a thread of thousands
    /// still has a root of bounded size. Participants beyond it still reply; they are just not listed.
    /// </summary>
    public const int MaxParticipants = 50;

    /// <summary>The root's sender first, then the stored repliers without it, bounded.</summary>
    public static IReadOnlyList<Guid> Participants(Guid rootSenderId, IEnumerable<Guid> repliers)
    {
        var list = new List<Guid> { rootSenderId };
        foreach (var id in repliers)
        {
            if (list.Count >= MaxParticipants)
            {
                break;
            }

            if (!list.Contains(id))
            {
                list.Add(id);
            }
        }

        return list;
    }
}
