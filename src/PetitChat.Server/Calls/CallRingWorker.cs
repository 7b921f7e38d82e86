using Microsoft.Extensions.Options;
using PetitChat.Core.Calls;
using PetitChat.Server.Operations;

namespace PetitChat.Server.Calls;

/// <summary>
/// Ends the calls that nobody answered within <c>Calls:RingTimeout</c>. Every node runs one; the
/// store's conditional end decides which node ends each call, so a call ends once however many
/// nodes sweep it, and a node that dies leaves its calls to the others.
/// </summary>
public sealed class CallRingWorker(CallService calls, IOptions<CallOptions> options, ILogger<CallRingWorker> logger)
    : PeriodicWorker(options.Value.SweepInterval, logger)
{
    protected override string Round => "end unanswered calls";

    protected override async Task RunRoundAsync(CancellationToken ct)
    {
        var ended = await calls.EndUnansweredAsync(ct);
        if (ended > 0)
        {
            logger.LogInformation("Ended {Calls} unanswered calls", ended);
        }
    }
}
