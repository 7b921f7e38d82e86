using System.Diagnostics.Metrics;
using PetitChat.Core.Telemetry;

namespace PetitChat.Infrastructure.Telemetry;

/// <summary>
/// Requests to the store, on Petit chat's meter: every SQLite statement and every Alternator
/// (DynamoDB API) call, tagged by <c>engine</c>. They show what a page costs the store (a page
/// should cost a constant number of them, whatever its size: bench <c>pages</c> prints them) and
/// are exported with the other metrics.
/// </summary>
public static class StoreMetrics
{
    /// <summary>A counter of requests sent to the store.</summary>
    public const string RequestsName = "petitchat.store.requests";

    /// <summary>An up-down counter of Alternator requests waiting for their answer (requests sent together overlap).</summary>
    public const string ActiveName = "petitchat.store.requests.active";

    private static readonly Meter Meter = new(ChatMetrics.MeterName);
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>(RequestsName, "{request}", "Requests sent to the store");
    private static readonly UpDownCounter<long> Active = Meter.CreateUpDownCounter<long>(ActiveName, "{request}", "Store requests waiting for their answer");
    /// <summary>A counter of the times a SQLite call found the file locked by another writer and waited.</summary>
    public const string SqliteBusyWaitsName = "petitchat.store.sqlite.busy_waits";

    /// <summary>A counter of the milliseconds SQLite calls slept waiting for another writer's lock.</summary>
    public const string SqliteBusySleptName = "petitchat.store.sqlite.busy_slept";

    private static readonly Counter<long> BusyWaits = Meter.CreateCounter<long>(SqliteBusyWaitsName, "{wait}", "SQLite calls that waited for another writer");
    private static readonly Counter<double> BusySlept = Meter.CreateCounter<double>(SqliteBusySleptName, "ms", "Time SQLite calls slept waiting for another writer");
    private static readonly KeyValuePair<string, object?> Sqlite = new("engine", "sqlite");
    private static readonly KeyValuePair<string, object?> Scylla = new("engine", "scylla");

    internal static void SqliteStatement() => Requests.Add(1, Sqlite);

    internal static void SqliteBusyWaitStarted() => BusyWaits.Add(1);

    internal static void SqliteBusySlept(double milliseconds) => BusySlept.Add(milliseconds);

    internal static void ScyllaRequestStarted()
    {
        Requests.Add(1, Scylla);
        Active.Add(1, Scylla);
    }

    internal static void ScyllaRequestEnded() => Active.Add(-1, Scylla);
}
