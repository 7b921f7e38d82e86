namespace PetitChat.Server.Events;

/// <summary>Configuration section <c>Events</c>.</summary>
public sealed record EventStreamOptions
{
    /// <summary>A comment line this often keeps proxies from closing an idle stream.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a ticket for <c>GET /api/v1/events?ticket=</c> stays usable (once).</summary>
    public TimeSpan TicketLifetime { get; init; } = TimeSpan.FromSeconds(30);
}
