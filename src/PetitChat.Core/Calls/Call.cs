namespace PetitChat.Core.Calls;

/// <summary>
/// A Jitsi Meet conference bound to a chat. <see cref="Room"/> is random per call, so knowing
/// one call's room says nothing about another's. At most one call per chat is running (no
/// <see cref="EndedAt"/>). <see cref="Version"/> changes on every stored change, so that "end
/// it if nothing changed since I looked" is one conditional write (<see cref="ICallStore.EndAsync"/>).
/// </summary>
public sealed record Call(
    Guid Id,
    Guid ChatId,
    string Room,
    CallMedia Media,
    Guid StartedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<CallParticipant> Participants,
    long Version)
{
    public bool Running => EndedAt is null;

    /// <summary>Someone other than the starter joined: an unanswered call that ends is a missed call.</summary>
    public bool Answered
    {
        get
        {
            foreach (var participant in Participants)
            {
                if (participant.UserId != StartedBy)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Whether anyone is in the conference now.</summary>
    public bool Occupied
    {
        get
        {
            foreach (var participant in Participants)
            {
                if (participant.LeftAt is null)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
