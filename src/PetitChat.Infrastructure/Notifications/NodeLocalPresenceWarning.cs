using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PetitChat.Infrastructure.Notifications;

/// <summary>
/// Warns at start-up when the bus is NATS but notifications are in-process: fine for one node, wrong
/// for several. Each node's presence then knows only its own streams, so a node counts the users
/// connected to another node as offline: it pushes them what they saw live, and shows them offline.
/// </summary>
public sealed partial class NodeLocalPresenceWarning(ILogger<NodeLocalPresenceWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogNodeLocal();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bus:Kind is nats but Notifications:Kind is inprocess: presence and the notification queue " +
        "are this node's own. With more than one node, set Notifications:Kind=nats, or nodes push and show offline the users connected to another node.")]
    private partial void LogNodeLocal();
}
