using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.Files;

namespace PetitChat.Infrastructure.Images;

public static class ImageExtensions
{
    /// <summary>Registers the libvips pipeline as the <see cref="IImagePipeline"/>, its options from <c>Images</c>.</summary>
    public static IHostApplicationBuilder AddVipsImages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ImageOptions>()
            .BindConfiguration(ImageOptions.Section)
            .Validate(o => o.ThumbnailSize is > 0 and <= 4096 && o.PreviewSize is > 0 and <= 8192, "Images sizes must be 1..4096 (thumbnail) and 1..8192 (preview).")
            .Validate(o => o.PreviewQuality is >= 1 and <= 100 && o.ThumbnailQuality is >= 1 and <= 100 && o.SanitizedQuality is >= 1 and <= 100,
                "Images qualities must be 1..100.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IImagePipeline>(sp => ActivatorUtilities.CreateInstance<VipsImagePipeline>(sp,
            sp.GetRequiredService<IOptions<ImageOptions>>().Value));
        return builder;
    }
}
