using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using PetitChat.Infrastructure.Notifications;

namespace PetitChat.Infrastructure.WebPush;

/// <summary>A VAPID key pair: a P-256 key, public as the uncompressed point and private as the scalar, both base64url.</summary>
public sealed record VapidKeys(string PublicKey, string PrivateKey)
{
    public static VapidKeys Generate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(includePrivateParameters: true);
        byte[] point = [0x04, .. p.Q.X!, .. p.Q.Y!];
        return new VapidKeys(Base64Url.EncodeToString(point), Base64Url.EncodeToString(p.D!));
    }

    /// <summary>The configured keys, or the pair in <see cref="WebPushOptions.KeyPath"/>, created there on first use.</summary>
    public static VapidKeys Resolve(WebPushOptions options, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(options.PublicKey) && !string.IsNullOrWhiteSpace(options.PrivateKey))
        {
            return new VapidKeys(options.PublicKey, options.PrivateKey);
        }

        var path = Path.GetFullPath(options.KeyPath, contentRoot);
        if (File.Exists(path))
        {
            return Read(path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var keys = Generate();
        try
        {
            // CreateNew: a server and a worker starting together keep one pair, the first written; the
            // others read it, waiting while it is still being written (see Read).
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            JsonSerializer.Serialize(file, keys, NotificationJson.Default.VapidKeys);
            return keys;
        }
        catch (IOException) when (File.Exists(path))
        {
            return Read(path);
        }
    }

    private static VapidKeys Read(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return JsonSerializer.Deserialize(File.ReadAllBytes(path), NotificationJson.Default.VapidKeys)
                    ?? throw new InvalidOperationException($"{path} holds no VAPID keys.");
            }
            catch (Exception e) when ((e is JsonException or IOException) && attempt < 20)
            {
                // Still being written by the process that created it: locked (IOException), empty or half written.
                Thread.Sleep(50);
            }
        }
    }
}
