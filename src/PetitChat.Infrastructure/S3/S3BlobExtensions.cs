using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.Files;

namespace PetitChat.Infrastructure.S3;

public static class S3BlobExtensions
{
    /// <summary>
    /// Registers <see cref="S3BlobStore"/> as the <see cref="IBlobStore"/>, its options from
    /// <c>Blobs:S3</c>, and a start-up step that creates the bucket (when configured to), so a
    /// wrong endpoint or key fails the host rather than the first upload.
    /// </summary>
    public static IHostApplicationBuilder AddS3BlobStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<S3BlobOptions>()
            .BindConfiguration(S3BlobOptions.Section)
            .Validate(o => Uri.TryCreate(o.ServiceUrl, UriKind.Absolute, out _), "Blobs:S3:ServiceUrl must be an absolute URL.")
            .Validate(o => string.IsNullOrEmpty(o.PublicUrl) || (Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"),
                "Blobs:S3:PublicUrl must be an absolute http(s) URL (the gateway's public origin) or empty.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Bucket), "Blobs:S3:Bucket must not be empty.")
            .Validate(o => !string.IsNullOrEmpty(o.AccessKey) && !string.IsNullOrEmpty(o.SecretKey), "Blobs:S3 needs AccessKey and SecretKey.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new S3BlobStore(sp.GetRequiredService<IOptions<S3BlobOptions>>().Value));
        builder.Services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<S3BlobStore>());
        builder.Services.AddHostedService<S3BucketInitializer>();
        return builder;
    }
}
