using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Kiota.Abstractions;
using PetitChat.Core.Presence;

namespace PetitChat.Infrastructure.Microsoft365;

/// <summary>
/// Every <see cref="Microsoft365Options.SyncInterval"/>, reads the Microsoft 365 presence of every
/// linked user (in batches of <see cref="Microsoft365Options.BatchSize"/>), stores it, and
/// announces the users whose state or status message changed.
/// </summary>
public sealed partial class Microsoft365PresenceSync(
    Microsoft365Graph graph, IPresenceStore store, PresenceService presence, Microsoft365Options options, TimeProvider time,
    ILogger<Microsoft365PresenceSync> logger) : BackgroundService
{
    private readonly Dictionary<Guid, (PresenceState State, string? Message)> _last = [];

    /// <summary>One round; returns how many linked users Graph answered for.</summary>
    public async Task<int> SyncOnceAsync(CancellationToken ct)
    {
        var links = await store.ListLinksAsync(ct);
        var byGraphId = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        foreach (var link in links)
        {
            if (await graph.ResolveIdAsync(link.Upn, ct) is { } id)
            {
                byGraphId[id] = link.UserId;
            }
        }

        var answered = 0;
        foreach (var batch in byGraphId.Keys.Chunk(options.BatchSize))
        {
            var now = time.GetUtcNow();
            var reads = await graph.GetPresencesAsync(batch, ct);
            // Whoever unlinked while Graph answered keeps no Microsoft 365 presence.
            var stillLinked = (await store.ListLinksAsync(ct)).Select(l => l.UserId).ToHashSet();
            foreach (var read in reads)
            {
                if (read.Id is null || !byGraphId.TryGetValue(read.Id, out var userId) || !stillLinked.Contains(userId))
                {
                    continue;
                }

                answered++;
                var state = GraphPresenceMapping.StateOf(read.Availability, read.Activity);
                var message = string.IsNullOrWhiteSpace(read.StatusMessage?.Message?.Content) ? null : read.StatusMessage.Message.Content;
                await store.SetExternalAsync(userId, new ExternalPresence(state, read.Activity ?? "PresenceUnknown", message, now), ct);
                if (!_last.TryGetValue(userId, out var last) || last != (state, message))
                {
                    _last[userId] = (state, message);
                    presence.Announce(userId);
                }
            }
        }

        return answered;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SyncInterval, time);
        do
        {
            try
            {
                var count = await SyncOnceAsync(stoppingToken);
                LogSynced(count);
            }
            catch (Exception e) when (e is ApiException or HttpRequestException or Microsoft365UnavailableException
                                      || (e is OperationCanceledException && !stoppingToken.IsCancellationRequested))
            {
                LogSyncFailed(e);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Microsoft 365 presence read for {Count} linked user(s)")]
    private partial void LogSynced(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading Microsoft 365 presence failed; trying again next round")]
    private partial void LogSyncFailed(Exception exception);
}
