using PetitChat.Core.Files;
using PetitChat.Infrastructure.S3;
using PetitChat.Testing;

namespace PetitChat.Contracts.Tests.Files;

/// <summary>One s3rver on 127.0.0.1 for the S3 blob tests, started once and stopped after.</summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    public S3rverProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await S3rverProcess.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The blob contract on s3rver: path-style, with the bucket created by the adapter.</summary>
public sealed class S3BlobStoreTests(S3rverFixture s3rver) : BlobStoreContract, IClassFixture<S3rverFixture>
{
    private S3BlobOptions Options(bool presigned = false) => new()
    {
        ServiceUrl = s3rver.Server.ServiceUrl,
        Bucket = "petitchat-contract",
        AccessKey = S3rverProcess.Key,
        SecretKey = S3rverProcess.Key,
        PresignedDownloads = presigned,
    };

    protected override Task<IBlobStore> CreateStoreAsync() => Task.FromResult<IBlobStore>(new S3BlobStore(Options()));

    protected override Task DisposeStoreAsync(IBlobStore store)
    {
        ((S3BlobStore)store).Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_presigned_url_downloads_the_blob_with_the_given_headers()
    {
        using var store = new S3BlobStore(Options(presigned: true));
        var bytes = RandomBytes(1000);
        using (var stream = new MemoryStream(bytes))
        {
            await store.PutAsync(Prefix + "signed", stream, "application/octet-stream", Ct);
        }

        var url = await store.GetDownloadUrlAsync(Prefix + "signed", TimeSpan.FromMinutes(2), "image/png", "attachment; filename=\"a.png\"", Ct);

        Assert.NotNull(url);
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Fact]
    public async Task Presigned_urls_expire_within_five_minutes_whatever_is_asked()
    {
        using var store = new S3BlobStore(Options(presigned: true));

        var url = await store.GetDownloadUrlAsync(Prefix + "any", TimeSpan.FromHours(1), "text/plain", "attachment", Ct);

        var expires = System.Web.HttpUtility.ParseQueryString(url!.Query)["X-Amz-Expires"];
        Assert.True(int.Parse(expires!, System.Globalization.CultureInfo.InvariantCulture) <= 300, $"X-Amz-Expires={expires}");
    }

    [Fact]
    public async Task Without_presigning_the_store_gives_no_url()
    {
        Assert.Null(await Store.GetDownloadUrlAsync(Prefix + "x", TimeSpan.FromMinutes(1), "text/plain", "attachment", Ct));
    }
}
