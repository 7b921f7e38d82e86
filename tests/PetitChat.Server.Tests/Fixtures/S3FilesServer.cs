using Microsoft.Extensions.DependencyInjection;
using PetitChat.Core.Files;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Fixtures;

/// <summary>
/// The server with its blobs on s3rver (the S3 API that SeaweedFS also serves), a small file
/// limit so that 413 tests stay fast, and at most three attachments per message.
/// </summary>
public class S3FilesServer : PetitChatServer
{
    public const long MaxFileSize = 1024 * 1024;
    public const int MaxAttachments = 3;

    private S3rverProcess? _s3;

    /// <summary>Where uploads are staged while they stream in.</summary>
    public string UploadFolder => Path.Combine(Folder, "uploads");

    public IBlobStore Blobs => Services.GetRequiredService<IBlobStore>();

    /// <summary>The objects in the bucket under <paramref name="prefix"/>, listed through the S3 API.</summary>
    public async Task<List<string>> ObjectsAsync(string prefix = "")
    {
        var keys = new List<string>();
        await foreach (var key in Blobs.ListAsync(prefix, CancellationToken.None))
        {
            keys.Add(key);
        }

        return keys;
    }

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _s3 = await S3rverProcess.StartAsync();
        settings["Blobs:Kind"] = "s3";
        settings["Blobs:S3:ServiceUrl"] = _s3.ServiceUrl;
        settings["Blobs:S3:Bucket"] = "petitchat-files";
        settings["Blobs:S3:AccessKey"] = S3rverProcess.Key;
        settings["Blobs:S3:SecretKey"] = S3rverProcess.Key;
        settings["Files:TempPath"] = UploadFolder;
        settings["Limits:MaxFileSize"] = MaxFileSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Limits:MaxAttachmentsPerMessage"] = MaxAttachments.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override async Task DisposeEnginesAsync()
    {
        if (_s3 is not null)
        {
            await _s3.DisposeAsync();
        }
    }
}

/// <summary>The same, with downloads answered by redirects to presigned S3 URLs.</summary>
public sealed class PresignedFilesServer : S3FilesServer
{
    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        settings["Blobs:S3:PresignedDownloads"] = "true";
    }
}

/// <summary>The file tests share one S3-backed server; they run one at a time, so object counts are exact.</summary>
[CollectionDefinition(Name)]
public sealed class S3FilesCollection : ICollectionFixture<S3FilesServer>
{
    public const string Name = "files-s3";
}
