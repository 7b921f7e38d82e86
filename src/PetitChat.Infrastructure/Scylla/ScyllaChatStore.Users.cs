using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Paging;
using PetitChat.Core.Users;

namespace PetitChat.Infrastructure.Scylla;

public sealed partial class ScyllaChatStore
{
    /// <summary>Username index partitions are named by the first runes of the lowercase name.</summary>
    private const int UsernameBucketRunes = 2;

    /// <summary>The partition of the usernames table that lists the buckets in use, in byte order.</summary>
    private const string BucketDirectory = "#buckets";

    private readonly ConcurrentDictionary<string, byte> _knownUsernameBuckets = new(StringComparer.Ordinal);

    public async Task<User> UpsertUserAsync(UserClaims claims, Guid newId, DateTimeOffset now, CancellationToken ct)
    {
        // 1. The subject claim decides the id, once: a conditional put, so concurrent first
        //    sign-ins agree. It holds the creation time, so any later call can rebuild the user row.
        var (userId, createdAt) = await ClaimSubjectAsync(claims.Subject, newId, now, ct);
        var existing = await GetUserAsync(userId, ct);
        var user = new User(userId, claims.Subject, claims.Username, claims.DisplayName, [.. claims.Roles], createdAt, claims.Email);
        if (existing is not null && existing.Username == user.Username && existing.DisplayName == user.DisplayName
            && existing.Roles.SequenceEqual(user.Roles) && existing.Email == user.Email)
        {
            return existing;
        }

        // 2. The new name's index entry, 3. the user row, 4. the old name's entry goes. Search
        //    checks each entry against the user row, so an entry left by a crash finds nobody.
        await PutUsernameEntryAsync(user, ct);
        await TryPutAsync(new PutItemRequest { TableName = _tables.Users, Item = UserItem(user) }, idempotent: true, ct);
        if (existing is not null && Lower(existing.Username) != Lower(user.Username))
        {
            await BatchWriteAsync(_tables.Usernames, [DeleteRequest(UsernameKey(existing))], ct);
        }

        return user;
    }

    public async Task<User?> GetUserAsync(Guid userId, CancellationToken ct) =>
        await GetItemAsync(_tables.Users, new() { ["id"] = S(userId) }, ct) is { } item ? ReadUser(item) : null;

    public async Task<IReadOnlyList<User>> GetUsersBySubjectAsync(IReadOnlyCollection<string> subjects, CancellationToken ct)
    {
        if (subjects.Count == 0)
        {
            return [];
        }

        // A subject's claim without a user row is a first sign-in cut short: nobody yet.
        var claims = await BatchGetAsync(_tables.Subjects, subjects.Distinct().Select(s => new Dictionary<string, AttributeValue> { ["subject"] = S(s) }), ct);
        var users = await GetUsersAsync([.. claims.Select(c => GuidOf(c, "user"))], ct);
        return [.. users.Where(u => subjects.Contains(u.Subject))];
    }

    public async Task<IReadOnlyList<User>> GetUsersAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0)
        {
            return [];
        }

        var items = await BatchGetAsync(_tables.Users, userIds.Distinct().Select(id => new Dictionary<string, AttributeValue> { ["id"] = S(id) }), ct);
        return [.. items.Select(ReadUser)];
    }

    public async Task<Page<User>> FindUsersAsync(string prefix, int limit, string? cursor, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var lower = Lower(prefix);
        var low = NonEmpty(Encoding.UTF8.GetBytes(lower));
        // 0xFF never occurs in UTF-8, so [prefix, prefix + FF] holds exactly the names starting with it.
        var high = Concat(Encoding.UTF8.GetBytes(lower), [0xFF]);
        var bucketFrom = lower;
        if (cursor is not null)
        {
            var after = DecodeUserCursor(cursor);
            if (after.AsSpan().SequenceCompareTo(low) >= 0)
            {
                // The smallest key after the cursor's: keys are unique, so "> cursor" is ">= cursor + 00".
                low = Concat(after, [0x00]);
                bucketFrom = BucketName(Encoding.UTF8.GetString(after, 0, after.Length - 17));
            }
        }

        var found = new List<User>();
        byte[]? lastKey = null;
        await foreach (var bucket in UsernameBucketsAsync(lower, bucketFrom, ct))
        {
            var request = new QueryRequest
            {
                TableName = _tables.Usernames,
                KeyConditionExpression = "#b = :b AND #k BETWEEN :lo AND :hi",
                ExpressionAttributeNames = new() { ["#b"] = "bucket", ["#k"] = "key" },
                ExpressionAttributeValues = new()
                {
                    [":b"] = S("u:" + bucket),
                    [":lo"] = new AttributeValue { B = new MemoryStream(low) },
                    [":hi"] = new AttributeValue { B = new MemoryStream(high) },
                },
                Limit = Math.Min(100, limit + 1),
            };
            while (found.Count <= limit)
            {
                var response = await ReadAsync((db, token) => db.QueryAsync(request, token), ct);
                var entries = (response.Items ?? []).Select(item => item["key"].B.ToArray()).ToList();
                var users = (await GetUsersAsync([.. entries.Select(e => new Guid(e.AsSpan(e.Length - 16), bigEndian: true))], ct)).ToDictionary(u => u.Id);
                foreach (var entry in entries)
                {
                    // An entry is true only while the user row still has that name.
                    var id = new Guid(entry.AsSpan(entry.Length - 16), bigEndian: true);
                    if (users.TryGetValue(id, out var user) && UsernameKeyBytes(user).AsSpan().SequenceEqual(entry) && found.Count <= limit)
                    {
                        found.Add(user);
                        lastKey = entry;
                    }
                }

                if (response.LastEvaluatedKey is not { Count: > 0 } next)
                {
                    break;
                }

                request.ExclusiveStartKey = next;
            }

            if (found.Count > limit)
            {
                break;
            }
        }

        if (found.Count <= limit)
        {
            return new Page<User>(found, null);
        }

        return new Page<User>(found[..limit], Base64Url.EncodeToString(UsernameKeyBytes(found[limit - 1])));
    }

    /// <summary>
    /// The username buckets that may hold names starting with <paramref name="lower"/>, from the
    /// one of <paramref name="from"/> on, in order: one bucket for a prefix as long as a bucket
    /// name, else the matching part of the bucket directory (a short partition, never a scan).
    /// </summary>
    private async IAsyncEnumerable<string> UsernameBucketsAsync(string lower, string from, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var bucket = BucketName(lower);
        if (RuneCount(lower) >= UsernameBucketRunes)
        {
            yield return bucket;
            yield break;
        }

        var low = NonEmpty(Encoding.UTF8.GetBytes(lower));
        var start = Encoding.UTF8.GetBytes(BucketName(from));
        if (start.AsSpan().SequenceCompareTo(low) > 0)
        {
            low = start;
        }

        var request = new QueryRequest
        {
            TableName = _tables.Usernames,
            KeyConditionExpression = "#b = :b AND #k BETWEEN :lo AND :hi",
            ExpressionAttributeNames = new() { ["#b"] = "bucket", ["#k"] = "key" },
            ExpressionAttributeValues = new()
            {
                [":b"] = S(BucketDirectory),
                [":lo"] = new AttributeValue { B = new MemoryStream(low) },
                [":hi"] = new AttributeValue { B = new MemoryStream(Concat(Encoding.UTF8.GetBytes(lower), [0xFF])) },
            },
            Limit = 100,
        };
        while (true)
        {
            var response = await ReadAsync((db, token) => db.QueryAsync(request, token), ct);
            foreach (var item in response.Items ?? [])
            {
                yield return Encoding.UTF8.GetString(item["key"].B.ToArray());
            }

            if (response.LastEvaluatedKey is not { Count: > 0 } next)
            {
                yield break;
            }

            request.ExclusiveStartKey = next;
        }
    }

    private async Task<(Guid UserId, DateTimeOffset CreatedAt)> ClaimSubjectAsync(string subject, Guid newId, DateTimeOffset now, CancellationToken ct)
    {
        var key = new Dictionary<string, AttributeValue> { ["subject"] = S(subject) };
        if (await GetItemAsync(_tables.Subjects, key, ct) is not { } claim)
        {
            await TryPutAsync(new PutItemRequest
            {
                TableName = _tables.Subjects,
                Item = new() { ["subject"] = S(subject), ["user"] = S(newId), ["createdAt"] = N(now) },
                ConditionExpression = "attribute_not_exists(subject)",
            }, idempotent: true, ct);
            claim = await GetItemAsync(_tables.Subjects, key, ct)
                ?? throw new InvalidOperationException($"The claim of subject '{subject}' vanished.");
        }

        return (GuidOf(claim, "user"), TimeOf(claim, "createdAt"));
    }

    private async Task PutUsernameEntryAsync(User user, CancellationToken ct)
    {
        var bucket = BucketName(Lower(user.Username));
        var writes = new List<WriteRequest> { PutRequest(new(UsernameKey(user)) { ["user"] = S(user.Id) }) };
        // The directory entry goes first in the batch's intent; both are blind idempotent puts.
        if (!_knownUsernameBuckets.ContainsKey(bucket))
        {
            await BatchWriteAsync(_tables.Usernames, [PutRequest(new()
            {
                ["bucket"] = S(BucketDirectory),
                ["key"] = new AttributeValue { B = new MemoryStream(Encoding.UTF8.GetBytes(bucket)) },
            })], ct);
            if (_knownUsernameBuckets.Count < 100_000)
            {
                _knownUsernameBuckets.TryAdd(bucket, 0);
            }
        }

        await BatchWriteAsync(_tables.Usernames, writes, ct);
    }

    private static Dictionary<string, AttributeValue> UsernameKey(User user) => new()
    {
        ["bucket"] = S("u:" + BucketName(Lower(user.Username))),
        ["key"] = new AttributeValue { B = new MemoryStream(UsernameKeyBytes(user)) },
    };

    /// <summary>Lowercase name, a 00 byte, the id's 16 bytes: sorts by (name, id) like SQLite's index.</summary>
    private static byte[] UsernameKeyBytes(User user)
    {
        var name = Encoding.UTF8.GetBytes(Lower(user.Username));
        var key = new byte[name.Length + 17];
        name.CopyTo(key, 0);
        user.Id.TryWriteBytes(key.AsSpan(name.Length + 1), bigEndian: true, out _);
        return key;
    }

    private static byte[] DecodeUserCursor(string cursor)
    {
        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            if (bytes.Length >= 17 && bytes[^17] == 0)
            {
                _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, bytes.Length - 17);
                return bytes;
            }
        }
        catch (FormatException)
        {
            // Reported below like any other malformed cursor.
        }
        catch (ArgumentException)
        {
            // Not UTF-8 text before the id.
        }

        throw new InvalidCursorException("The cursor is not one this store issued.");
    }

    private static string Lower(string name) => name.ToLowerInvariant();

    private static string BucketName(string lower)
    {
        var end = 0;
        var runes = 0;
        foreach (var rune in lower.EnumerateRunes())
        {
            if (runes++ == UsernameBucketRunes)
            {
                break;
            }

            end += rune.Utf16SequenceLength;
        }

        return lower[..end];
    }

    private static int RuneCount(string text) => text.EnumerateRunes().Count();

    /// <summary>The engine takes no empty binary value; every key is above 00, so 00 bounds "everything".</summary>
    private static byte[] NonEmpty(byte[] bytes) => bytes.Length == 0 ? [0x00] : bytes;

    private static byte[] Concat(byte[] a, byte[] b) => [.. a, .. b];

    private static Dictionary<string, AttributeValue> UserItem(User user)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["id"] = S(user.Id),
            ["subject"] = S(user.Subject),
            ["username"] = S(user.Username),
            ["displayName"] = S(user.DisplayName),
            ["roles"] = S(JsonSerializer.Serialize(user.Roles.ToArray(), ScyllaJsonContext.Default.StringArray)),
            ["createdAt"] = N(user.CreatedAt),
        };
        if (user.Email is not null)
        {
            item["email"] = S(user.Email);
        }

        return item;
    }

    private static User ReadUser(Dictionary<string, AttributeValue> item) => new(
        GuidOf(item, "id"),
        RequiredString(item, "subject"),
        RequiredString(item, "username"),
        RequiredString(item, "displayName"),
        JsonSerializer.Deserialize(RequiredString(item, "roles"), ScyllaJsonContext.Default.StringArray) ?? [],
        TimeOf(item, "createdAt"),
        StringOf(item, "email"));
}
