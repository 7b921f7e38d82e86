using Microsoft.Extensions.Options;
using PetitChat.Core.Presence;

namespace PetitChat.Server.Presence;

/// <summary>
/// Every <see cref="PresenceOptions.SweepInterval"/>: this node's connected users are looked at
/// again (away after inactivity, a status that expired), and the users of dead nodes are announced
/// offline (<see cref="PresenceService.SweepAsync"/>).
/// </summary>
public sealed partial class PresenceSweeper(PresenceService presence, IOptions<PresenceOptions> options, TimeProvider time, ILogger<PresenceSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await presence.SweepAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogSweepFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A presence sweep failed; the next one tries again")]
    private partial void LogSweepFailed(Exception exception);
}
