using System.Runtime.CompilerServices;
using PetitChat.Core.Files;

namespace PetitChat.Infrastructure.LocalDisk;

/// <summary>
/// The embedded <see cref="IBlobStore"/>: one file per key under a folder. A put writes a
/// temporary file in the same folder tree and renames it over the key, so readers never see a
/// half-written blob and a failed put leaves no file under the key.
/// </summary>
public sealed class LocalBlobStore(LocalBlobOptions options) : IBlobStore
{
    private const string TempFolder = ".tmp";

    private readonly string _root = Path.GetFullPath(options.Path);

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken ct)
    {
        var path = PathOf(key);
        var temp = Path.Combine(_root, TempFolder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, ct);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public Task<BlobContent?> OpenReadAsync(string key, long offset, long? length, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        FileStream file;
        try
        {
            file = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<BlobContent?>(null);
        }

        var total = file.Length;
        file.Seek(Math.Min(offset, total), SeekOrigin.Begin);
        var left = Math.Max(0, total - offset);
        Stream stream = length is { } wanted && wanted < left ? new BoundedReadStream(file, wanted) : file;
        return Task.FromResult<BlobContent?>(new BlobContent(stream, total));
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        try
        {
            File.Delete(PathOf(key));
        }
        catch (DirectoryNotFoundException)
        {
            // File.Delete ignores a missing file but not a missing folder: both mean "no such blob".
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!Directory.Exists(_root))
        {
            yield break;
        }

        foreach (var path in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            ct.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (!key.StartsWith(TempFolder + "/", StringComparison.Ordinal) && key.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return key;
            }
        }

        await Task.CompletedTask;
    }

    public Task<Uri?> GetDownloadUrlAsync(string key, TimeSpan lifetime, string contentType, string contentDisposition, CancellationToken ct) =>
        Task.FromResult<Uri?>(null);

    private string PathOf(string key) => Path.Combine(_root, BlobKeys.Check(key).Replace('/', Path.DirectorySeparatorChar));
}
