using PetitChat.Core.Search;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Search;

/// <summary>The search contract on SQLite FTS5, a fresh database file per test.</summary>
public sealed class SqliteSearchIndexTests : SearchIndexContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));

    protected override async Task<ISearchIndex> CreateIndexAsync()
    {
        var index = new SqliteSearchIndex(new SqliteSearchOptions { Path = Path.Combine(_folder, "search.db") });
        await index.InitializeAsync(Ct);
        return index;
    }

    protected override Task DisposeIndexAsync(ISearchIndex index)
    {
        ((SqliteSearchIndex)index).Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }
}
