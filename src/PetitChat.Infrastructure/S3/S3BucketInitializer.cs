using Microsoft.Extensions.Hosting;

namespace PetitChat.Infrastructure.S3;

/// <summary>Creates the bucket at start-up (when configured to); the store would also do it on first put.</summary>
internal sealed class S3BucketInitializer(S3BlobStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.EnsureBucketAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
