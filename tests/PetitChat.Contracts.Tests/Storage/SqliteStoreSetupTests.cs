using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.Storage;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>What only the SQLite adapter has: its file, its schema versions, its registration.</summary>
public sealed class SqliteStoreSetupTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task AddSqliteStore_puts_a_relative_path_under_the_content_root_and_creates_the_schema_at_start()
    {
        Directory.CreateDirectory(_folder);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _folder });
        builder.Configuration["Store:Sqlite:Path"] = "data/chat.db";
        builder.AddSqliteStore();
        using var host = builder.Build();

        await host.StartAsync();
        var store = host.Services.GetRequiredService<IChatStore>();
        await host.StopAsync();

        Assert.IsType<SqliteChatStore>(store);
        var file = Path.Combine(_folder, "data", "chat.db");
        Assert.True(File.Exists(file));
        Assert.Equal(((long)SqliteSchema.Version, "wal"), await ReadSettingsAsync(file));
    }

    [Fact]
    public async Task AddSqliteStore_refuses_to_start_with_a_negative_busy_timeout()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Path.GetTempPath() });
        builder.Configuration["Store:Sqlite:Path"] = Path.Combine(_folder, "chat.db");
        builder.Configuration["Store:Sqlite:BusyTimeoutSeconds"] = "-1";
        builder.AddSqliteStore();
        using var host = builder.Build();

        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Fact]
    public async Task Reopening_a_database_keeps_its_data_and_schema()
    {
        var options = new SqliteStoreOptions { Path = Path.Combine(_folder, "chat.db") };
        User created;
        using (var first = new SqliteChatStore(options))
        {
            await first.InitializeAsync(CancellationToken.None);
            await first.InitializeAsync(CancellationToken.None);
            created = await first.UpsertUserAsync(new UserClaims("sub", "alice", "Alice", []), Guid.CreateVersion7(), DateTimeOffset.UtcNow, CancellationToken.None);
        }

        using var second = new SqliteChatStore(options);
        await second.InitializeAsync(CancellationToken.None);

        Assert.Equal("alice", (await second.GetUserAsync(created.Id, CancellationToken.None))?.Username);
    }

    [Fact]
    public async Task A_database_from_a_newer_build_is_refused()
    {
        var options = new SqliteStoreOptions { Path = Path.Combine(_folder, "chat.db") };
        using (var store = new SqliteChatStore(options))
        {
            await store.InitializeAsync(CancellationToken.None);
        }

        await using (var connection = new SqliteConnection($"Data Source={options.Path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            await command.ExecuteNonQueryAsync();
        }

        using var newer = new SqliteChatStore(options);
        await Assert.ThrowsAsync<InvalidOperationException>(() => newer.InitializeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_chat_s_signals_are_read_by_the_main_timeline_index_and_no_index_of_all_signals_by_chat_is_kept()
    {
        var options = new SqliteStoreOptions { Path = Path.Combine(_folder, "chat.db") };
        using (var store = new SqliteChatStore(options))
        {
            await store.InitializeAsync(CancellationToken.None);
        }

        await using var connection = new SqliteConnection($"Data Source={options.Path}");
        await connection.OpenAsync();
        var indexes = await ReadColumnAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'signals' ORDER BY name", 0);
        Assert.Equal(["signals_by_client_id", "signals_by_thread", "signals_main_by_chat", "sqlite_autoindex_signals_1"], indexes);

        // The shapes of the timeline page and the unread count (SqliteChatStore.Signals and .Chats).
        string[] queries =
        [
            "SELECT * FROM signals WHERE chat_id = 'c' AND thread_id IS NULL AND id < 'x' ORDER BY id DESC LIMIT 50",
            "SELECT count(*) FROM signals s WHERE s.chat_id = 'c' AND s.thread_id IS NULL AND s.sender_id <> 'u' AND s.id > 'x'",
        ];
        foreach (var query in queries)
        {
            var plan = string.Join(" / ", await ReadColumnAsync(connection, "EXPLAIN QUERY PLAN " + query, 3));
            Assert.Contains("INDEX signals_main_by_chat (chat_id=?", plan, StringComparison.Ordinal);
        }
    }

    private static async Task<List<string>> ReadColumnAsync(SqliteConnection connection, string sql, int column)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(column));
        }

        return values;
    }

    private static async Task<(long Version, string JournalMode)> ReadSettingsAsync(string file)
    {
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await using var version = connection.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        await using var journal = connection.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode";
        return ((long)(await version.ExecuteScalarAsync())!, (string)(await journal.ExecuteScalarAsync())!);
    }
}
