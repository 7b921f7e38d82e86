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
    private static readonly KeyValuePair<string, object?> Sqlite = new("engine", "sqlite");
    private static readonly KeyValuePair<string, object?> Scylla = new("engine", "scylla");

    internal static void SqliteStatement() => Requests.Add(1, Sqlite);

    internal static void ScyllaRequestStarted()
    {
        Requests.Add(1, Scylla);
        Active.Add(1, Scylla);
    }

    internal static void ScyllaRequestEnded() => Active.Add(-1, Scylla);
}
