using System.Globalization;
using Microsoft.Data.Sqlite;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// Tables that share the chat store's SQLite file but version themselves: a row per part in
/// <c>schema_parts</c>, so that the chat schema's <c>user_version</c> steps and theirs evolve apart.
/// </summary>
internal static class SqliteSchemaPart
{
    /// <summary>Runs the steps of <paramref name="part"/> not yet applied, in one transaction.</summary>
    public static async Task MigrateAsync(SqliteConnection connection, string part, IReadOnlyList<string> steps, CancellationToken ct)
    {
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_parts (part TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL)", ct);
        var current = Convert.ToInt32(await ScalarAsync(connection, "SELECT version FROM schema_parts WHERE part = @part", ct, ("@part", part)) ?? 0L,
            CultureInfo.InvariantCulture);
        if (current > steps.Count)
        {
            throw new InvalidOperationException($"The {part} schema is version {current}, newer than this build knows ({steps.Count}).");
        }

        for (var step = current; step < steps.Count; step++)
        {
            await ExecuteAsync(connection, steps[step], ct);
        }

        await ExecuteAsync(connection, "INSERT INTO schema_parts (part, version) VALUES (@part, @version) ON CONFLICT (part) DO UPDATE SET version = excluded.version",
            ct, ("@part", part), ("@version", steps.Count));
        await transaction.CommitAsync(ct);
    }
}
