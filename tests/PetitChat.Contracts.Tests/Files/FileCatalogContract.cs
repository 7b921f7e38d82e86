using System.Security.Cryptography;
using PetitChat.Core.Files;
using PetitChat.Core.Paging;

namespace PetitChat.Contracts.Tests.Files;

/// <summary>
/// Every behaviour of <see cref="IFileCatalog"/>, run against each adapter by a subclass that only
/// says how to build one. Tests use fresh hashes, chats and users, so they also hold on a shared catalog.
/// </summary>
public abstract class FileCatalogContract : IAsyncLifetime
{
    private long _clock = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    protected IFileCatalog Catalog { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract Task<IFileCatalog> CreateCatalogAsync();

    protected virtual Task DisposeCatalogAsync(IFileCatalog catalog) => Task.CompletedTask;

    public async Task InitializeAsync() => Catalog = await CreateCatalogAsync();

    public Task DisposeAsync() => DisposeCatalogAsync(Catalog);

    protected static string NewSha() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    protected DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Increment(ref _clock));

    private static readonly BlobDescription Png = new(1234, "image/png", 640, 480, HasPreview: true);

    /// <summary>A stored blob with one reference, as an upload leaves it before adding its file.</summary>
    protected async Task<BlobRecord> StoredBlobAsync(string? sha = null, BlobDescription? description = null)
    {
        sha ??= NewSha();
        var blob = await Catalog.AcquireBlobAsync(sha, BlobKeys.NewKey(sha), Ct);
        if (!blob.Stored)
        {
            await Catalog.MarkBlobStoredAsync(sha, blob.Key, description ?? Png, Ct);
        }

        return (await Catalog.GetBlobAsync(sha, Ct))!;
    }

    protected async Task<StoredFile> NewFileAsync(Guid chatId, Guid uploaderId, string? sha = null, string name = "photo.png")
    {
        var blob = await StoredBlobAsync(sha);
        var at = Now();
        return await Catalog.AddFileAsync(new NewFile(Guid.CreateVersion7(at), chatId, uploaderId, name, blob.Sha256, at), Ct);
    }

    [Fact]
    public async Task The_first_acquire_creates_an_unstored_blob_with_one_reference()
    {
        var sha = NewSha();
        var key = BlobKeys.NewKey(sha);

        var blob = await Catalog.AcquireBlobAsync(sha, key, Ct);

        Assert.Equal(new BlobRecord(sha, key, 1, false, null), blob);
        Assert.Equal(blob, await Catalog.GetBlobAsync(sha, Ct));
    }

    [Fact]
    public async Task Acquiring_again_counts_up_and_keeps_the_first_key()
    {
        var sha = NewSha();
        var first = await Catalog.AcquireBlobAsync(sha, BlobKeys.NewKey(sha), Ct);

        var second = await Catalog.AcquireBlobAsync(sha, BlobKeys.NewKey(sha), Ct);

        Assert.Equal(2, second.RefCount);
        Assert.Equal(first.Key, second.Key);
    }

    [Fact]
    public async Task Marking_stored_records_the_description_but_only_for_the_current_generation()
    {
        var sha = NewSha();
        var blob = await Catalog.AcquireBlobAsync(sha, BlobKeys.NewKey(sha), Ct);

        await Catalog.MarkBlobStoredAsync(sha, BlobKeys.NewKey(sha), Png, Ct);
        Assert.False((await Catalog.GetBlobAsync(sha, Ct))!.Stored);

        await Catalog.MarkBlobStoredAsync(sha, blob.Key, Png, Ct);
        await Catalog.MarkBlobStoredAsync(sha, blob.Key, Png, Ct);
        Assert.Equal(blob with { Stored = true, Description = Png }, await Catalog.GetBlobAsync(sha, Ct));
    }

    [Fact]
    public async Task Releasing_the_last_reference_removes_the_blob_and_returns_it_once()
    {
        var sha = NewSha();
        var blob = await Catalog.AcquireBlobAsync(sha, BlobKeys.NewKey(sha), Ct);
        await Catalog.AcquireBlobAsync(sha, BlobKeys.NewKey(sha), Ct);

        Assert.Null(await Catalog.ReleaseBlobAsync(sha, Ct));
        var orphan = await Catalog.ReleaseBlobAsync(sha, Ct);

        Assert.Equal(blob.Key, orphan?.Key);
        Assert.Null(await Catalog.GetBlobAsync(sha, Ct));
        Assert.Null(await Catalog.ReleaseBlobAsync(sha, Ct));
    }

    [Fact]
    public async Task After_the_last_release_the_same_bytes_get_a_new_generation()
    {
        var sha = NewSha();
        var old = await Catalog.AcquireBlobAsync(sha, BlobKeys.NewKey(sha), Ct);
        await Catalog.ReleaseBlobAsync(sha, Ct);

        var reborn = await Catalog.AcquireBlobAsync(sha, BlobKeys.NewKey(sha), Ct);

        Assert.NotEqual(old.Key, reborn.Key);
        Assert.False(reborn.Stored);
        Assert.Equal(1, reborn.RefCount);
    }

    [Fact]
    public async Task Concurrent_acquires_and_releases_never_lose_a_count()
    {
        var sha = NewSha();
        var acquired = await RaceAsync(24, _ => Catalog.AcquireBlobAsync(sha, BlobKeys.NewKey(sha), Ct));

        Assert.Single(acquired.Select(b => b.Key).Distinct());
        Assert.Equal(24, (await Catalog.GetBlobAsync(sha, Ct))!.RefCount);

        var released = await RaceAsync(24, _ => Catalog.ReleaseBlobAsync(sha, Ct));
        Assert.Single(released, r => r is not null);
        Assert.Null(await Catalog.GetBlobAsync(sha, Ct));
    }

    [Fact]
    public async Task A_file_needs_a_stored_blob()
    {
        var sha = NewSha();
        await Catalog.AcquireBlobAsync(sha, BlobKeys.NewKey(sha), Ct);
        var at = Now();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Catalog.AddFileAsync(new NewFile(Guid.CreateVersion7(at), Guid.NewGuid(), Guid.NewGuid(), "x", sha, at), Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Catalog.AddFileAsync(new NewFile(Guid.CreateVersion7(at), Guid.NewGuid(), Guid.NewGuid(), "x", NewSha(), at), Ct));
    }

    [Fact]
    public async Task A_file_reads_back_with_its_blob()
    {
        var (chat, user) = (Guid.NewGuid(), Guid.NewGuid());
        var blob = await StoredBlobAsync();
        var at = Now();
        var id = Guid.CreateVersion7(at);

        var added = await Catalog.AddFileAsync(new NewFile(id, chat, user, "été 2024.png", blob.Sha256, at), Ct);

        var expected = new StoredFile(id, chat, user, "été 2024.png", blob.Sha256, at, blob.Key, Png);
        Assert.Equal(expected, added);
        Assert.Equal(expected, await Catalog.GetFileAsync(id, Ct));
        Assert.Null(await Catalog.GetFileAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task Many_files_are_read_by_id_and_missing_ones_are_left_out()
    {
        var chat = Guid.NewGuid();
        var a = await NewFileAsync(chat, Guid.NewGuid());
        var b = await NewFileAsync(chat, Guid.NewGuid());

        var found = await Catalog.GetFilesAsync([a.Id, Guid.NewGuid(), b.Id], Ct);

        Assert.Equal([a.Id, b.Id], found.Select(f => f.Id).Order());
        Assert.Empty(await Catalog.GetFilesAsync([], Ct));
    }

    [Fact]
    public async Task A_chats_files_are_listed_newest_first_in_pages()
    {
        var chat = Guid.NewGuid();
        var files = new List<StoredFile>();
        for (var i = 0; i < 7; i++)
        {
            files.Add(await NewFileAsync(chat, Guid.NewGuid(), name: $"f{i}"));
        }

        await NewFileAsync(Guid.NewGuid(), Guid.NewGuid());

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Catalog.ListFilesAsync(chat, 3, cursor, Ct);
            seen.AddRange(page.Items.Select(f => f.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(files.Select(f => f.Id).Reverse(), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task A_chat_without_files_lists_nothing()
    {
        var page = await Catalog.ListFilesAsync(Guid.NewGuid(), 10, null, Ct);

        Assert.Empty(page.Items);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task A_cursor_the_catalog_did_not_issue_is_refused()
    {
        await Assert.ThrowsAsync<InvalidCursorException>(() => Catalog.ListFilesAsync(Guid.NewGuid(), 10, "not-a-cursor", Ct));
    }

    [Fact]
    public async Task Files_with_the_same_bytes_share_a_blob_until_the_last_one_is_deleted()
    {
        var sha = NewSha();
        var first = await NewFileAsync(Guid.NewGuid(), Guid.NewGuid(), sha);
        var second = await NewFileAsync(Guid.NewGuid(), Guid.NewGuid(), sha);
        Assert.Equal(first.BlobKey, second.BlobKey);
        Assert.Equal(2, (await Catalog.GetBlobAsync(sha, Ct))!.RefCount);

        var (deleted, orphan) = await Catalog.DeleteFileAsync(first.Id, Ct);
        Assert.True(deleted);
        Assert.Null(orphan);
        Assert.Null(await Catalog.GetFileAsync(first.Id, Ct));
        Assert.Equal(1, (await Catalog.GetBlobAsync(sha, Ct))!.RefCount);

        (deleted, orphan) = await Catalog.DeleteFileAsync(second.Id, Ct);
        Assert.True(deleted);
        Assert.Equal(first.BlobKey, orphan?.Key);
        Assert.Null(await Catalog.GetBlobAsync(sha, Ct));
    }

    [Fact]
    public async Task Deleting_a_missing_file_changes_nothing()
    {
        var file = await NewFileAsync(Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal((false, null), await Catalog.DeleteFileAsync(Guid.NewGuid(), Ct));
        await Catalog.DeleteFileAsync(file.Id, Ct);
        Assert.Equal((false, null), await Catalog.DeleteFileAsync(file.Id, Ct));
    }

    [Fact]
    public async Task Concurrent_deletes_of_the_files_of_one_blob_give_it_back_once()
    {
        var sha = NewSha();
        var files = new List<StoredFile>();
        for (var i = 0; i < 8; i++)
        {
            files.Add(await NewFileAsync(Guid.NewGuid(), Guid.NewGuid(), sha));
        }

        var results = await RaceAsync(files.Count, i => Catalog.DeleteFileAsync(files[i].Id, Ct));

        Assert.All(results, r => Assert.True(r.Deleted));
        Assert.Single(results, r => r.Orphan is not null);
        Assert.Null(await Catalog.GetBlobAsync(sha, Ct));
    }

    [Fact]
    public async Task Image_settings_default_until_set_and_then_read_back()
    {
        var user = Guid.NewGuid();
        Assert.Equal(ImageSettings.Default, await Catalog.GetSettingsAsync(user, Ct));

        await Catalog.PutSettingsAsync(user, new ImageSettings(false, true), Ct);
        Assert.Equal(new ImageSettings(false, true), await Catalog.GetSettingsAsync(user, Ct));

        await Catalog.PutSettingsAsync(user, new ImageSettings(true, true), Ct);
        Assert.Equal(new ImageSettings(true, true), await Catalog.GetSettingsAsync(user, Ct));
        Assert.Equal(ImageSettings.Default, await Catalog.GetSettingsAsync(Guid.NewGuid(), Ct));
    }

    /// <summary>Runs calls on the thread pool, released together so that they overlap.</summary>
    protected static async Task<T[]> RaceAsync<T>(int count, Func<int, Task<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await call(i);
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(calls);
    }
}
