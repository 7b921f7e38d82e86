using System.Globalization;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// Tables that share the chats' SQLite file but evolve on their own: each part's version is a
/// row of <c>schema_parts</c>, so the chat schema's <c>user_version</c> steps and these never collide.
/// </summary>
internal static class SqliteSchemaParts
{
    /// <summary>Creates the file's folder, then runs the part's missing steps in one write transaction.</summary>
    public static async Task MigrateAsync(string path, string connectionString, string pragmas, string part, string[] steps, CancellationToken ct)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        await using var connection = await OpenConnectionAsync(connectionString, pragmas, ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_parts (part TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL)", ct);
        var current = Convert.ToInt32(await ScalarAsync(connection, "SELECT version FROM schema_parts WHERE part = @part", ct, ("@part", part)) ?? 0L,
            CultureInfo.InvariantCulture);
        if (current > steps.Length)
        {
            throw new InvalidOperationException($"The {part} schema is version {current}, newer than this build knows ({steps.Length}).");
        }

        for (var step = current; step < steps.Length; step++)
        {
            await ExecuteAsync(connection, steps[step], ct);
        }

        await ExecuteAsync(connection, "INSERT INTO schema_parts (part, version) VALUES (@part, @version) ON CONFLICT (part) DO UPDATE SET version = excluded.version",
            ct, ("@part", part), ("@version", steps.Length));
        await transaction.CommitAsync(ct);
    }
}
