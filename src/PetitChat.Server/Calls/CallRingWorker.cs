using Microsoft.Extensions.Options;
using PetitChat.Core.Calls;

namespace PetitChat.Server.Calls;

/// <summary>
/// Ends the calls that nobody answered within <c>Calls:RingTimeout</c>. Every node runs one; the
/// store's conditional end decides which node ends each call, so a call ends once however many
/// nodes sweep it, and a node that dies leaves its calls to the others.
/// </summary>
public sealed class CallRingWorker(CallService calls, IOptions<CallOptions> options, ILogger<CallRingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        try
        {
            do
            {
                try
                {
                    var ended = await calls.EndUnansweredAsync(stoppingToken);
                    if (ended > 0)
                    {
                        logger.LogInformation("Ended {Calls} unanswered calls", ended);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Could not end unanswered calls; trying again at the next sweep");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
