using Microsoft.Data.Sqlite;
using PetitChat.Core.Search;
using PetitChat.Core.Signals;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

public sealed partial class SqliteChatStore
{
    public async Task<IReadOnlyList<SearchJob>> ClaimSearchJobsAsync(int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct);
        // The write lock up front: two claimers never read the same due jobs.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var jobs = await QueryAsync(connection, """
            SELECT id, chat_id, signal_id, attempts FROM search_jobs
            WHERE due_at <= @now ORDER BY due_at, id LIMIT @limit
            """, reader => new SearchJob(ReadGuid(reader, 0), ReadGuid(reader, 1), ReadGuid(reader, 2), reader.GetInt32(3) + 1), ct,
            ("@now", ToText(now)), ("@limit", limit));
        if (jobs.Count > 0)
        {
            await ExecuteAsync(connection, """
                UPDATE search_jobs SET attempts = attempts + 1, due_at = @leaseUntil
                WHERE id IN (SELECT value FROM json_each(@ids))
                """, ct, ("@leaseUntil", ToText(leaseUntil)), ("@ids", ToJsonArray(jobs.Select(j => j.Id))));
        }

        await transaction.CommitAsync(ct);
        return jobs;
    }

    public async Task CompleteSearchJobsAsync(IReadOnlyCollection<Guid> jobIds, CancellationToken ct)
    {
        if (jobIds.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, "DELETE FROM search_jobs WHERE id IN (SELECT value FROM json_each(@ids))", ct,
            ("@ids", ToJsonArray(jobIds)));
    }

    public async Task RetrySearchJobsAsync(IReadOnlyCollection<Guid> jobIds, DateTimeOffset dueAt, CancellationToken ct)
    {
        if (jobIds.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, "UPDATE search_jobs SET due_at = @dueAt WHERE id IN (SELECT value FROM json_each(@ids))", ct,
            ("@dueAt", ToText(dueAt)), ("@ids", ToJsonArray(jobIds)));
    }

    /// <summary>
    /// For a search index kept in another file: the documents that an earlier version indexed in
    /// this one are dropped, and every message is queued to be indexed again, in the background,
    /// as the schema steps that rebuild the index do. Searches find what the indexer has reached
    /// meanwhile. Once: afterwards this file holds no documents, and the call does nothing.
    /// Returns whether it moved any.
    /// </summary>
    public async Task<bool> MoveSearchIndexOutAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        // The write lock up front: of two nodes starting at once, the second finds nothing left to move.
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (await ScalarAsync(connection, "SELECT EXISTS (SELECT 1 FROM search_documents)", ct) is not 1L)
        {
            return false;
        }

        await ExecuteAsync(connection, SqliteSearchSchema.IndexAgain, ct);
        await transaction.CommitAsync(ct);
        return true;
    }
}
