using PetitChat.Core.Search;
using PetitChat.Core.Storage;
using PetitChat.Infrastructure.Scylla;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Server.Search;

/// <summary>
/// <c>PetitChat.Server search reindex</c>: the command-line side of
/// <c>POST /api/v1/admin/search/reindex</c>, for an operator who switched engines. It starts (or
/// resumes) the run, walks the store to its end, then drains the search jobs into the configured
/// engine itself, so it works with no server running; servers that are running share the work.
/// Kestrel never starts: the command returns before the server would.
/// </summary>
public static class SearchCommand
{
    /// <summary>Runs the command when <paramref name="args"/> name one and returns true; otherwise false (start the server).</summary>
    public static async Task<bool> TryRunSearchCommandAsync(this WebApplication app, string[] args)
    {
        if (args is not ["search", ..])
        {
            return false;
        }

        if (args is not ["search", "reindex", ..])
        {
            await Console.Error.WriteLineAsync("usage: PetitChat.Server search reindex   (index every stored message into the configured search engine)");
            Environment.ExitCode = 2;
            return true;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The run resumes from its last saved step next time.
            e.Cancel = true;
            stop.Cancel();
        };
        var ct = stop.Token;

        // Hosted services (schema and table set-up among them) do not run here: do their part.
        switch (app.Services.GetRequiredService<IChatStore>())
        {
            case SqliteChatStore sqlite:
                await sqlite.InitializeAsync(ct);
                break;
            case ScyllaChatStore scylla:
                await scylla.InitializeAsync(ct);
                break;
        }

        var reindexer = app.Services.GetRequiredService<SearchReindexer>();
        var run = await reindexer.StartAsync(ct);
        Console.WriteLine($"search reindex {run.Id} (started {run.StartedAt:u}): walking the store");
        var walked = await reindexer.RunAsync(r => Console.WriteLine($"  {r.Scanned,12:N0} signals walked, {r.Enqueued,12:N0} search jobs written"), ct);
        if (walked is { Running: false })
        {
            Console.WriteLine($"walk finished: {walked.Scanned:N0} signals, {walked.Enqueued:N0} search jobs; indexing them");
        }

        var indexer = app.Services.GetRequiredService<SearchIndexer>();
        var indexed = 0L;
        while (true)
        {
            var drain = await indexer.DrainOnceAsync(ct);
            if (drain.Failure is { } failure)
            {
                await Console.Error.WriteLineAsync(
                    $"the search engine refused a batch ({failure.Message}); its jobs stay in the store and are retried from {drain.RetryAt:u} by any server, or by this command again");
                Environment.ExitCode = 1;
                return true;
            }

            if (drain.Claimed == 0)
            {
                break;
            }

            indexed += drain.Indexed;
            Console.WriteLine($"  {indexed,12:N0} messages indexed");
        }

        Console.WriteLine("search reindex done");
        return true;
    }
}
