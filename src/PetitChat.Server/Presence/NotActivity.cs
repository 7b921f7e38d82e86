namespace PetitChat.Server.Presence;

/// <summary>
/// Endpoint metadata: this non-GET call is a read or a client's own bookkeeping (a presence query,
/// an acknowledgement), which a client makes without its user, so <see cref="ActivityFilter"/>
/// does not count it as activity; otherwise a client polling it would keep its user from <c>away</c>.
/// </summary>
public sealed class NotActivity
{
    public static readonly NotActivity Instance = new();

    private NotActivity()
    {
    }
}
