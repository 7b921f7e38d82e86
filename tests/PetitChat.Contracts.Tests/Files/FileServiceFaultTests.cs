using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Files;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.Images;
using PetitChat.Infrastructure.LocalDisk;
using PetitChat.Infrastructure.Sqlite;
using PetitChat.Testing;

namespace PetitChat.Contracts.Tests.Files;

/// <summary>
/// Uploads whose blob store fails part-way: the real SQLite catalog, local folder and libvips,
/// with a decorator that injects the failure (a real engine cannot be made to fail on cue).
/// </summary>
public sealed class FileServiceFaultTests : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));
    private SqliteChatStore _store = null!;
    private LocalBlobStore _blobs = null!;
    private BlobStoreThatFailsOnCue _failing = null!;
    private FileService _files = null!;
    private Guid _userId;
    private Guid _chatId;

    public async Task InitializeAsync()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "store.db") });
        _blobs = new LocalBlobStore(new LocalBlobOptions { Path = Path.Combine(_folder, "blobs") });
        _failing = new BlobStoreThatFailsOnCue(_blobs);
        var images = new VipsImagePipeline(ChatLimits.Default, ImageOptions.Default, NullLogger<VipsImagePipeline>.Instance);
        _files = new FileService(_store, _store, _failing, images, new Ids(TimeProvider.System), TimeProvider.System, ChatLimits.Default);
        var now = DateTimeOffset.UtcNow;
        var user = await _store.UpsertUserAsync(new UserClaims("sub-" + Guid.NewGuid(), "u" + Guid.NewGuid().ToString("N")[..8], "U", []),
            Guid.CreateVersion7(), now, CancellationToken.None);
        var other = await _store.UpsertUserAsync(new UserClaims("sub-" + Guid.NewGuid(), "v" + Guid.NewGuid().ToString("N")[..8], "V", []),
            Guid.CreateVersion7(), now, CancellationToken.None);
        var (chat, _) = await _store.CreateChatAsync(new Chat(Guid.CreateVersion7(), ChatKind.Group, "g", user.Id, now, now, null),
            [user.Id, other.Id], CancellationToken.None);
        (_userId, _chatId) = (user.Id, chat.Id);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _files.Dispose();
        _store.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private StagedUpload Stage(byte[] bytes)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        return new StagedUpload(path, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes[..Math.Min(512, bytes.Length)], "x.png");
    }

    private async Task<List<string>> ObjectsAsync()
    {
        var keys = new List<string>();
        await foreach (var key in _blobs.ListAsync("", CancellationToken.None))
        {
            keys.Add(key);
        }

        return keys;
    }

    [Fact]
    public async Task A_blob_store_failure_mid_upload_leaves_no_reference_no_record_and_no_object()
    {
        var upload = Stage(TestImages.Png(300, 200));
        // The thumbnail and preview go in; the image itself fails.
        _failing.FailOnPut = 3;

        await Assert.ThrowsAsync<IOException>(() => _files.AddAsync(_userId, _chatId, upload, CancellationToken.None));

        Assert.Null(await _store.GetBlobAsync(upload.Sha256, CancellationToken.None));
        Assert.Empty(await ObjectsAsync());
        Assert.Empty((await _store.ListFilesAsync(_chatId, 10, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task A_failed_upload_of_bytes_someone_else_holds_keeps_their_blob()
    {
        var bytes = RandomNumberGenerator.GetBytes(5000);
        var first = await _files.AddAsync(_userId, _chatId, Stage(bytes), CancellationToken.None);
        Assert.True(first.Succeeded);

        // A second upload of the same bytes writes nothing, so it cannot fail in the store; it
        // takes and keeps one more reference.
        var putsBefore = _failing.Puts;
        _failing.FailOnPut = putsBefore + 1;
        var second = await _files.AddAsync(_userId, _chatId, Stage(bytes), CancellationToken.None);
        Assert.True(second.Succeeded);
        Assert.Equal(putsBefore, _failing.Puts);
        Assert.Equal(2, (await _store.GetBlobAsync(first.Value!.Sha256, CancellationToken.None))!.RefCount);
        Assert.Single(await ObjectsAsync());
    }

    [Fact]
    public async Task After_a_failure_the_same_bytes_upload_cleanly()
    {
        var bytes = RandomNumberGenerator.GetBytes(5000);
        _failing.FailOnPut = 1;
        await Assert.ThrowsAsync<IOException>(() => _files.AddAsync(_userId, _chatId, Stage(bytes), CancellationToken.None));

        _failing.FailOnPut = 0;
        var retried = await _files.AddAsync(_userId, _chatId, Stage(bytes), CancellationToken.None);

        Assert.True(retried.Succeeded);
        Assert.Equal(1, (await _store.GetBlobAsync(retried.Value!.Sha256, CancellationToken.None))!.RefCount);
        Assert.Single(await ObjectsAsync());
    }

    /// <summary>Passes calls to a real store, and fails the put with the given number (1-based; 0: never).</summary>
    private sealed class BlobStoreThatFailsOnCue(IBlobStore inner) : IBlobStore
    {
        private int _puts;

        public int FailOnPut { get; set; }

        public int Puts => _puts;

        public async Task PutAsync(string key, Stream content, string contentType, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _puts) == FailOnPut)
            {
                throw new IOException("The blob store went away.");
            }

            await inner.PutAsync(key, content, contentType, ct);
        }

        public Task<BlobContent?> OpenReadAsync(string key, long offset, long? length, CancellationToken ct) => inner.OpenReadAsync(key, offset, length, ct);

        public Task DeleteAsync(string key, CancellationToken ct) => inner.DeleteAsync(key, ct);

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken ct) => inner.ListAsync(prefix, ct);

        public Task<Uri?> GetDownloadUrlAsync(string key, TimeSpan lifetime, string contentType, string contentDisposition, CancellationToken ct) =>
            inner.GetDownloadUrlAsync(key, lifetime, contentType, contentDisposition, ct);
    }
}
