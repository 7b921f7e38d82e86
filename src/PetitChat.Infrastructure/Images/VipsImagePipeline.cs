using Microsoft.Extensions.Logging;
using NetVips;
using PetitChat.Core.Common;
using PetitChat.Core.Files;

namespace PetitChat.Infrastructure.Images;

/// <summary>
/// The image pipeline on libvips. Untrusted input rules: only the four web formats, each checked
/// against the loader libvips picked from the bytes; the pixel count is read from the header
/// before any pixel is decoded (decompression bombs); decoding fails on the first error
/// (truncated or corrupt data); libvips' loaders marked untrusted are blocked; every output is
/// written without metadata (EXIF, GPS, XMP, IPTC, ICC).
/// </summary>
public sealed class VipsImagePipeline : IImagePipeline
{
    private readonly ChatLimits _limits;
    private readonly ImageOptions _options;
    private readonly ILogger<VipsImagePipeline> _logger;

    public VipsImagePipeline(ChatLimits limits, ImageOptions options, ILogger<VipsImagePipeline> logger)
    {
        if (!ModuleInitializer.VipsInitialized)
        {
            throw new InvalidOperationException("libvips did not load (NetVips.Native): " + ModuleInitializer.Exception?.Message,
                ModuleInitializer.Exception);
        }

        (_limits, _options, _logger) = (limits, options, logger);
        // Loaders such as ImageMagick's or MATLAB's are not meant for untrusted input.
        NetVips.NetVips.BlockUntrusted = true;
        // The operation cache would keep decoded images and open files of deleted temp files.
        Cache.Max = 0;
        Cache.MaxFiles = 0;
    }

    public ProcessedImage? Process(string path, ImageFormat format, string sanitizedPath)
    {
        try
        {
            return ProcessOrThrow(path, format, sanitizedPath);
        }
        catch (Exception e) when (e is VipsException or InvalidCastException or FormatException or OverflowException)
        {
            // Corrupt, truncated or disguised: the caller stores it as a plain file.
            _logger.LogInformation("Upload did not decode as {Format}: {Reason}", format, FirstLine(e.Message));
            File.Delete(sanitizedPath);
            return null;
        }
    }

    private ProcessedImage? ProcessOrThrow(string path, ImageFormat format, string sanitizedPath)
    {
        // Every frame of an animation counts towards the pixel cap, so load them all ("n": -1).
        var animated = format is ImageFormat.Gif or ImageFormat.Webp;
        var loadOptions = animated ? new VOption { { "n", -1 } } : null;

        // Opening reads the header only: width and height are known before any pixel is decoded.
        using var header = Image.NewFromFile(path, access: Enums.Access.Sequential, failOn: Enums.FailOn.Error, kwargs: loadOptions);
        var loader = header.Contains("vips-loader") ? header.Get("vips-loader") as string : null;
        if (loader != LoaderOf(format))
        {
            _logger.LogInformation("Upload announced {Format} but libvips chose {Loader}", format, loader);
            return null;
        }

        if ((long)header.Width * header.Height > _limits.MaxImagePixels)
        {
            _logger.LogInformation("Upload declares {Width}x{Height} pixels, over the limit of {Max}", header.Width, header.Height, _limits.MaxImagePixels);
            return null;
        }

        var orientation = header.Contains("orientation") ? Convert.ToInt32(header.Get("orientation"), System.Globalization.CultureInfo.InvariantCulture) : 1;
        var (width, height) = (header.Width, animated && header.Contains("page-height") ? (int)header.Get("page-height") : header.Height);

        // The served copy: upright (the orientation tag goes with the metadata), all metadata
        // dropped, same format. Writing it decodes every pixel, which is where corrupt data fails.
        if (orientation > 1 && !animated)
        {
            // Turning by 90 degrees needs random access, which libvips gets by decoding to memory
            // (or a temporary file for large images); the pixel cap bounds it.
            using var whole = Image.NewFromFile(path, access: Enums.Access.Random, failOn: Enums.FailOn.Error);
            using var upright = whole.Autorot();
            Save(upright, format, sanitizedPath);
            (width, height) = (upright.Width, upright.Height);
        }
        else
        {
            Save(header, format, sanitizedPath);
        }

        // Thumbnail and preview come from the clean copy, with shrink-on-load where the format has it.
        using var thumbnail = Image.Thumbnail(sanitizedPath, _options.ThumbnailSize, height: _options.ThumbnailSize,
            size: Enums.Size.Down, failOn: Enums.FailOn.Error);
        var thumbnailBytes = thumbnail.WebpsaveBuffer(q: _options.ThumbnailQuality, keep: Enums.ForeignKeep.None);
        using var preview = Image.Thumbnail(sanitizedPath, _options.PreviewSize, height: _options.PreviewSize,
            size: Enums.Size.Down, failOn: Enums.FailOn.Error);
        var previewBytes = preview.WebpsaveBuffer(q: _options.PreviewQuality, keep: Enums.ForeignKeep.None);

        return new ProcessedImage(ContentTypeOf(format), width, height, thumbnailBytes, previewBytes);
    }

    private void Save(Image image, ImageFormat format, string path)
    {
        switch (format)
        {
            case ImageFormat.Jpeg:
                image.Jpegsave(path, q: _options.SanitizedQuality, keep: Enums.ForeignKeep.None);
                break;
            case ImageFormat.Png:
                image.Pngsave(path, keep: Enums.ForeignKeep.None);
                break;
            case ImageFormat.Gif:
                image.Gifsave(path, keep: Enums.ForeignKeep.None);
                break;
            case ImageFormat.Webp:
                image.Webpsave(path, q: _options.SanitizedQuality, keep: Enums.ForeignKeep.None);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown image format.");
        }
    }

    private static string LoaderOf(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "jpegload",
        ImageFormat.Png => "pngload",
        ImageFormat.Gif => "gifload",
        ImageFormat.Webp => "webpload",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown image format."),
    };

    private static string ContentTypeOf(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        ImageFormat.Gif => "image/gif",
        ImageFormat.Webp => "image/webp",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown image format."),
    };

    private static string FirstLine(string message)
    {
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }
}
