using System.Security.Cryptography;
using PetitChat.Core.Files;

namespace PetitChat.Contracts.Tests.Files;

/// <summary>
/// Every behaviour of <see cref="IBlobStore"/>, run against each adapter by a subclass that only
/// says how to build one. Each test writes under its own key prefix.
/// </summary>
public abstract class BlobStoreContract : IAsyncLifetime
{
    /// <summary>A key prefix no other test uses.</summary>
    protected string Prefix { get; } = "t" + Guid.NewGuid().ToString("N")[..12] + "/";

    protected IBlobStore Store { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract Task<IBlobStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync(IBlobStore store) => Task.CompletedTask;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync(Store);

    protected static byte[] RandomBytes(int count) => RandomNumberGenerator.GetBytes(count);

    protected async Task PutAsync(string key, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        await Store.PutAsync(key, stream, "application/octet-stream", Ct);
    }

    protected async Task<(byte[] Bytes, long Total)?> ReadAsync(string key, long offset = 0, long? length = null)
    {
        await using var blob = await Store.OpenReadAsync(key, offset, length, Ct);
        if (blob is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        await blob.Content.CopyToAsync(copy, Ct);
        return (copy.ToArray(), blob.TotalLength);
    }

    [Fact]
    public async Task Put_then_read_returns_the_same_bytes_and_length()
    {
        var bytes = RandomBytes(3 * 1024 * 1024 + 17);
        await PutAsync(Prefix + "big.bin", bytes);

        var read = await ReadAsync(Prefix + "big.bin");

        Assert.NotNull(read);
        Assert.Equal(bytes.Length, read.Value.Total);
        Assert.True(bytes.AsSpan().SequenceEqual(read.Value.Bytes));
    }

    [Fact]
    public async Task Empty_blobs_are_blobs()
    {
        await PutAsync(Prefix + "empty", []);

        var read = await ReadAsync(Prefix + "empty");

        Assert.NotNull(read);
        Assert.Empty(read.Value.Bytes);
        Assert.Equal(0, read.Value.Total);
    }

    [Fact]
    public async Task Reading_a_missing_key_gives_null()
    {
        Assert.Null(await ReadAsync(Prefix + "missing"));
    }

    [Fact]
    public async Task A_ranged_read_gives_the_slice_and_the_whole_length()
    {
        var bytes = RandomBytes(10_000);
        await PutAsync(Prefix + "ranged", bytes);

        var middle = await ReadAsync(Prefix + "ranged", 1000, 500);
        var tail = await ReadAsync(Prefix + "ranged", 9_990);
        var beyond = await ReadAsync(Prefix + "ranged", 9_990, 100);

        Assert.Equal(bytes[1000..1500], middle!.Value.Bytes);
        Assert.Equal(10_000, middle.Value.Total);
        Assert.Equal(bytes[9_990..], tail!.Value.Bytes);
        Assert.Equal(10_000, tail.Value.Total);
        Assert.Equal(bytes[9_990..], beyond!.Value.Bytes);
    }

    [Fact]
    public async Task A_put_replaces_what_was_under_the_key()
    {
        await PutAsync(Prefix + "replaced", RandomBytes(100));
        var second = RandomBytes(50);
        await PutAsync(Prefix + "replaced", second);

        Assert.Equal(second, (await ReadAsync(Prefix + "replaced"))!.Value.Bytes);
    }

    [Fact]
    public async Task Concurrent_puts_of_the_same_bytes_leave_one_whole_blob()
    {
        var bytes = RandomBytes(512 * 1024);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => PutAsync(Prefix + "raced", bytes))));

        Assert.Equal(bytes, (await ReadAsync(Prefix + "raced"))!.Value.Bytes);
        Assert.Equal([Prefix + "raced"], await ListAsync(Prefix));
    }

    [Fact]
    public async Task Delete_removes_the_blob_and_deleting_a_missing_one_is_fine()
    {
        await PutAsync(Prefix + "gone", RandomBytes(10));

        await Store.DeleteAsync(Prefix + "gone", Ct);
        await Store.DeleteAsync(Prefix + "gone", Ct);
        await Store.DeleteAsync(Prefix + "never-was", Ct);
        await Store.DeleteAsync(Prefix + "no-such-folder/never-was", Ct);

        Assert.Null(await ReadAsync(Prefix + "gone"));
        Assert.Empty(await ListAsync(Prefix));
    }

    [Fact]
    public async Task List_gives_the_keys_under_a_prefix()
    {
        await PutAsync(Prefix + "a/1", [1]);
        await PutAsync(Prefix + "a/2", [2]);
        await PutAsync(Prefix + "b/1", [3]);

        Assert.Equal([Prefix + "a/1", Prefix + "a/2"], (await ListAsync(Prefix + "a/")).Order());
        Assert.Equal(3, (await ListAsync(Prefix)).Count);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/absolute")]
    [InlineData("UPPER")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    [InlineData("")]
    public async Task Keys_that_could_leave_the_store_are_refused(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => PutAsync(key, [1]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(key, 0, null, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(key, Ct));
    }

    protected async Task<List<string>> ListAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in Store.ListAsync(prefix, Ct))
        {
            keys.Add(key);
        }

        return keys;
    }
}
