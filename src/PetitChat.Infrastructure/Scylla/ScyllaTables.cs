using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// The tables of the Scylla store and their keys; docs/scylla.md says which query reads which.
/// No secondary indexes: every lookup is a key or a key range that the adapter keeps itself.
/// </summary>
internal sealed class ScyllaTables(string prefix)
{
    public string Users { get; } = prefix + "users";

    public string Subjects { get; } = prefix + "subjects";

    public string Usernames { get; } = prefix + "usernames";

    public string Chats { get; } = prefix + "chats";

    public string DirectChats { get; } = prefix + "direct_chats";

    public string Members { get; } = prefix + "members";

    public string Inbox { get; } = prefix + "inbox";

    public string Signals { get; } = prefix + "signals";

    public string TimelineBuckets { get; } = prefix + "timeline_buckets";

    public string ThreadReplies { get; } = prefix + "thread_replies";

    public string ClientIds { get; } = prefix + "client_ids";

    public string Reactions { get; } = prefix + "reactions";

    public string Blobs { get; } = prefix + "blobs";

    public string Files { get; } = prefix + "files";

    public string ChatFiles { get; } = prefix + "chat_files";

    public string ChatFileBuckets { get; } = prefix + "chat_file_buckets";

    public string ImageSettings { get; } = prefix + "image_settings";

    public string SearchJobs { get; } = prefix + "search_jobs";

    public string SearchJobsDue { get; } = prefix + "search_jobs_due";

    public string SearchReindex { get; } = prefix + "search_reindex";

    public string NotificationSettings { get; } = prefix + "notification_settings";

    public string Calls { get; } = prefix + "calls";
    public string Apps { get; } = prefix + "apps";
    public string Devices { get; } = prefix + "e2ee_devices";

    public string DeviceMessages { get; } = prefix + "e2ee_device_messages";

    public string Presence { get; } = prefix + "presence";

    public string PresenceLinks { get; } = prefix + "presence_links";

    /// <summary>Every table: its name, partition key and optional sort key (name and type).</summary>
    public IEnumerable<(string Table, (string Name, ScalarAttributeType Type) Partition, (string Name, ScalarAttributeType Type)? Sort)> All()
    {
        var s = ScalarAttributeType.S;
        yield return (Users, ("id", s), null);
        yield return (Subjects, ("subject", s), null);
        yield return (Usernames, ("bucket", s), ("key", ScalarAttributeType.B));
        yield return (Chats, ("id", s), null);
        yield return (DirectChats, ("pair", s), null);
        yield return (Members, ("chat", s), ("user", s));
        yield return (Inbox, ("user", s), ("key", s));
        yield return (Signals, ("part", s), ("id", s));
        yield return (TimelineBuckets, ("chat", s), ("bucket", ScalarAttributeType.N));
        yield return (ThreadReplies, ("root", s), ("id", s));
        yield return (ClientIds, ("key", s), null);
        yield return (Reactions, ("signal", s), ("key", s));
        yield return (Blobs, ("sha256", s), null);
        yield return (Files, ("id", s), null);
        yield return (ChatFiles, ("part", s), ("id", s));
        yield return (ChatFileBuckets, ("chat", s), ("bucket", ScalarAttributeType.N));
        yield return (ImageSettings, ("user", s), null);
        yield return (SearchJobs, ("id", s), null);
        yield return (SearchJobsDue, ("shard", s), ("key", s));
        yield return (SearchReindex, ("slot", s), null);
        yield return (NotificationSettings, ("user", s), ("key", s));
        yield return (Calls, ("part", s), ("key", s));
        yield return (Apps, ("pk", s), ("sk", s));
        yield return (Devices, ("user", s), ("device", s));
        yield return (DeviceMessages, ("inbox", s), ("id", s));
        yield return (Presence, ("user", s), null);
        yield return (PresenceLinks, ("shard", s), ("user", s));
    }

    /// <summary>
    /// Creates the tables that are missing, on-demand billing, and waits until they are active.
    /// Safe to run from several nodes at once: "already exists" counts as done.
    /// </summary>
    public async Task CreateMissingAsync(AlternatorClient client, CancellationToken ct)
    {
        await Task.WhenAll(All().Select(table => CreateAsync(client, table, ct)));
    }

    private static async Task CreateAsync(
        AlternatorClient client,
        (string Table, (string Name, ScalarAttributeType Type) Partition, (string Name, ScalarAttributeType Type)? Sort) table,
        CancellationToken ct)
    {
        if (await StatusAsync(client, table.Table, ct) is null)
        {
            var request = new CreateTableRequest
            {
                TableName = table.Table,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                AttributeDefinitions = [new AttributeDefinition(table.Partition.Name, table.Partition.Type)],
                KeySchema = [new KeySchemaElement(table.Partition.Name, KeyType.HASH)],
            };
            if (table.Sort is { } sort)
            {
                request.AttributeDefinitions.Add(new AttributeDefinition(sort.Name, sort.Type));
                request.KeySchema.Add(new KeySchemaElement(sort.Name, KeyType.RANGE));
            }

            try
            {
                await client.RunAsync((db, token) => db.CreateTableAsync(request, token), idempotent: true, ct);
            }
            catch (ResourceInUseException)
            {
                // Another node created it first.
            }
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        while (await StatusAsync(client, table.Table, deadline.Token) != TableStatus.ACTIVE)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }
    }

    private static async Task<TableStatus?> StatusAsync(AlternatorClient client, string table, CancellationToken ct)
    {
        try
        {
            var described = await client.RunAsync((db, token) => db.DescribeTableAsync(table, token), idempotent: true, ct);
            return described.Table.TableStatus;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }
}
