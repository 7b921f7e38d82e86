using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.Files;

namespace PetitChat.Infrastructure.LocalDisk;

public static class LocalBlobExtensions
{
    /// <summary>Registers <see cref="LocalBlobStore"/> as the <see cref="IBlobStore"/>, its options from <c>Blobs:Local</c>.</summary>
    public static IHostApplicationBuilder AddLocalBlobStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LocalBlobOptions>()
            .BindConfiguration(LocalBlobOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path), "Blobs:Local:Path must not be empty.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IBlobStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LocalBlobOptions>>().Value;
            var contentRoot = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            return new LocalBlobStore(options with { Path = Path.GetFullPath(options.Path, contentRoot) });
        });
        return builder;
    }
}
