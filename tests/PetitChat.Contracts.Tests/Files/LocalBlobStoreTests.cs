using PetitChat.Core.Files;
using PetitChat.Infrastructure.LocalDisk;

namespace PetitChat.Contracts.Tests.Files;

/// <summary>The blob contract on a fresh folder per test, which the store creates.</summary>
public sealed class LocalBlobStoreTests : BlobStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));

    protected override Task<IBlobStore> CreateStoreAsync() =>
        Task.FromResult<IBlobStore>(new LocalBlobStore(new LocalBlobOptions { Path = Path.Combine(_folder, "blobs") }));

    protected override Task DisposeStoreAsync(IBlobStore store)
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_failed_put_leaves_no_file_under_the_key_nor_a_temporary_one()
    {
        await using var failing = new FailingStream(bytesBeforeFailure: 100_000);

        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync(Prefix + "broken", failing, "application/octet-stream", Ct));

        Assert.Null(await Store.OpenReadAsync(Prefix + "broken", 0, null, Ct));
        Assert.Empty(Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_local_store_gives_no_direct_download_url()
    {
        await PutAsync(Prefix + "x", [1, 2, 3]);

        Assert.Null(await Store.GetDownloadUrlAsync(Prefix + "x", TimeSpan.FromMinutes(1), "text/plain", "attachment", Ct));
    }
}
