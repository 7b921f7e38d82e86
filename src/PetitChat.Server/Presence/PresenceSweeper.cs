using Microsoft.Extensions.Options;
using PetitChat.Core.Presence;
using PetitChat.Server.Operations;

namespace PetitChat.Server.Presence;

/// <summary>
/// Every <see cref="PresenceOptions.SweepInterval"/>: this node's connected users are looked at
/// again (away after inactivity, a status that expired), and the users of dead nodes are announced
/// offline (<see cref="PresenceService.SweepAsync"/>).
/// </summary>
public sealed class PresenceSweeper(PresenceService presence, IOptions<PresenceOptions> options, TimeProvider time, ILogger<PresenceSweeper> logger)
    : PeriodicWorker(options.Value.SweepInterval, logger, time)
{
    protected override string Round => "sweep presence";

    protected override Task RunRoundAsync(CancellationToken ct) => presence.SweepAsync(ct);
}
