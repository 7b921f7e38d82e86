using PetitChat.Core.Apps;
using PetitChat.Core.Common;

namespace PetitChat.Server.Apps;

/// <summary>
/// <c>Apps:IncomingRatePerMinute</c> posts per webhook per minute, in fixed windows, counted by
/// the <see cref="IWindowCounter"/> of the notification engine: on NATS every node shares the
/// count, so a cluster lets through what one node would (the per-address limits in front of it
/// still apply).
/// </summary>
public sealed class IncomingWebhookLimiter(IWindowCounter counter, AppOptions options)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Takes one post from the webhook's allowance; false when it is used up (answer 429).</summary>
    public async Task<bool> TryAcquireAsync(Guid webhookId, CancellationToken ct) =>
        await counter.IncrementAsync($"hook-{webhookId:N}", Window, ct) <= options.IncomingRatePerMinute;
}
