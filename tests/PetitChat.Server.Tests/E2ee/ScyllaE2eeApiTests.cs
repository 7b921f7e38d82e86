using System.Text;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using PetitChat.Infrastructure.Scylla;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.E2ee;

/// <summary>The same flows on the Scylla store (dynalite), whose every item is scanned for the text.</summary>
[Collection(ScyllaServerCollection.Name)]
public sealed class ScyllaE2eeApiTests(ScyllaPetitChatServer server) : E2eeApiTests(server)
{
    protected override async Task<bool> StoreContainsAsync(string text)
    {
        var client = Server.Services.GetRequiredService<ScyllaChatStore>().Client;
        var tables = await client.RunAsync((db, ct) => db.ListTablesAsync(new ListTablesRequest(), ct), idempotent: true, CancellationToken.None);
        foreach (var table in tables.TableNames)
        {
            Dictionary<string, AttributeValue>? start = null;
            do
            {
                var page = await client.RunAsync((db, ct) => db.ScanAsync(new ScanRequest { TableName = table, ExclusiveStartKey = start }, ct),
                    idempotent: true, CancellationToken.None);
                if (page.Items.Any(item => item.Values.Any(value => Contains(value, text))))
                {
                    return true;
                }

                start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
            }
            while (start is not null);
        }

        return false;
    }

    private static bool Contains(AttributeValue value, string text) =>
        (value.S?.Contains(text, StringComparison.Ordinal) ?? false)
        || (value.B is { } bytes && bytes.ToArray().AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0)
        || (value.SS?.Any(s => s.Contains(text, StringComparison.Ordinal)) ?? false)
        || (value.L?.Any(v => Contains(v, text)) ?? false)
        || (value.M?.Values.Any(v => Contains(v, text)) ?? false);
}
