using PetitChat.Core.Files;
using PetitChat.Core.Signals;

namespace PetitChat.Core.Search;

/// <summary>
/// Drains the store's search jobs into the index. A job only names a signal, so running it means
/// reading the signal as the store has it now and indexing it (or removing it when it is gone or
/// has no text): jobs are idempotent, may run twice, and edits or deletes need nothing more than
/// a new job. A batch that the index refuses is retried with exponential backoff; a batch is
/// completed only after the index took it, so a crash or a down engine loses no job.
/// </summary>
/// <remarks>
/// With <paramref name="files"/>, a message's attachment names are indexed after its text (one
/// batch read per batch of jobs), so <c>report.pdf</c> finds the message it came with.
/// </remarks>
public sealed class SearchIndexer(
    ISignalStore timeline, ISearchJobStore searchJobs, ISearchIndex index, TimeProvider time, SearchIndexerOptions options, IFileCatalog? files = null)
{
    /// <summary>Claims one batch of due jobs and runs it; <see cref="SearchDrain.Claimed"/> is 0 when none was due.</summary>
    public async Task<SearchDrain> DrainOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var jobs = await searchJobs.ClaimSearchJobsAsync(options.BatchSize, now, now + options.Lease, ct);
        if (jobs.Count == 0)
        {
            return new SearchDrain(0, 0, 0, null, null);
        }

        // One read per chat, not per signal (a busy chat's batch is one read), and the chats'
        // reads overlap: against a networked store each one is a round trip.
        var signals = jobs.DistinctBy(j => j.SignalId).ToList();
        var chats = signals.GroupBy(j => j.ChatId).Select(g => (ChatId: g.Key, SignalIds: g.Select(j => j.SignalId).ToList())).ToList();
        var found = new IReadOnlyList<Signal>[chats.Count];
        await Parallel.ForAsync(0, chats.Count, new ParallelOptions { MaxDegreeOfParallelism = options.ReadConcurrency, CancellationToken = ct },
            async (i, token) => found[i] = await timeline.GetSignalsByIdAsync(chats[i].ChatId, chats[i].SignalIds, token));
        var byId = new Dictionary<Guid, Signal>(signals.Count);
        foreach (var signal in found.SelectMany(f => f))
        {
            byId[signal.Id] = signal;
        }

        var read = new SearchDocument?[signals.Count];
        for (var i = 0; i < signals.Count; i++)
        {
            read[i] = byId.TryGetValue(signals[i].SignalId, out var signal) ? SearchDocument.From(signal) : null;
        }

        var names = await FileNamesAsync(read, ct);
        var documents = new List<SearchDocument>(signals.Count);
        var removed = new List<SearchDocumentKey>();
        for (var i = 0; i < signals.Count; i++)
        {
            if (read[i] is { } document)
            {
                documents.Add(names.TryGetValue(document.SignalId, out var attached)
                    ? document with { Text = document.Text.Length == 0 ? attached : document.Text + "\n" + attached }
                    : document);
            }
            else
            {
                // Gone, or without text any more: the index must not find it.
                removed.Add(new SearchDocumentKey(signals[i].ChatId, signals[i].SignalId));
            }
        }

        var ids = jobs.Select(j => j.Id).ToList();
        try
        {
            if (documents.Count > 0)
            {
                await index.UpsertAsync(documents, ct);
            }

            if (removed.Count > 0)
            {
                await index.RemoveAsync(removed, ct);
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The whole batch waits as long as its most retried job: one clock for the batch.
            var wait = options.RetryAfter(jobs.Max(j => j.Attempts));
            var due = time.GetUtcNow() + wait;
            await searchJobs.RetrySearchJobsAsync(ids, due, CancellationToken.None);
            return new SearchDrain(jobs.Count, 0, 0, e, due);
        }

        await searchJobs.CompleteSearchJobsAsync(ids, CancellationToken.None);
        return new SearchDrain(jobs.Count, documents.Count, removed.Count, null, null);
    }

    /// <summary>The attachment names of each message with files, in one read; empty without a file catalog.</summary>
    private async Task<Dictionary<Guid, string>> FileNamesAsync(SearchDocument?[] documents, CancellationToken ct)
    {
        var names = new Dictionary<Guid, string>();
        var wanted = documents.Where(d => d is { AttachmentIds.Count: > 0 }).Select(d => d!).ToList();
        if (files is null || wanted.Count == 0)
        {
            return names;
        }

        var stored = (await files.GetFilesAsync([.. wanted.SelectMany(d => d.AttachmentIds).Distinct()], ct)).ToDictionary(f => f.Id);
        foreach (var document in wanted)
        {
            var attached = document.AttachmentIds.Where(stored.ContainsKey).Select(id => SearchHighlight.Strip(stored[id].Name)).ToList();
            if (attached.Count > 0)
            {
                names[document.SignalId] = string.Join(' ', attached);
            }
        }

        return names;
    }

    /// <summary>
    /// Runs batches until one is not full (nothing more was due when it was claimed; jobs added
    /// since wake the indexer again), or one fails; returns what the last batch did and the totals.
    /// Stopping at a partial batch spares the empty claim, a write transaction, after every drain.
    /// </summary>
    public async Task<SearchDrain> DrainAsync(CancellationToken ct)
    {
        var (claimed, indexed, removed) = (0, 0, 0);
        while (true)
        {
            var batch = await DrainOnceAsync(ct);
            claimed += batch.Claimed;
            indexed += batch.Indexed;
            removed += batch.Removed;
            if (batch.Claimed < options.BatchSize || batch.Failure is not null)
            {
                return new SearchDrain(claimed, indexed, removed, batch.Failure, batch.RetryAt);
            }
        }
    }
}
