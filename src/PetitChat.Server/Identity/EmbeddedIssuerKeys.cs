using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace PetitChat.Server.Identity;

/// <summary>
/// The embedded issuer's RSA signing key and AES encryption key (for codes and refresh
/// tokens), kept in a file so that a restart does not sign everybody out. Development only:
/// the file is plain, readable by whoever can read the data folder.
/// </summary>
public sealed class EmbeddedIssuerKeys
{
    private EmbeddedIssuerKeys(RSA signing, byte[] encryption)
    {
        Signing = new RsaSecurityKey(signing) { KeyId = KeyIdOf(signing) };
        Encryption = new SymmetricSecurityKey(encryption);
    }

    public RsaSecurityKey Signing { get; }

    public SymmetricSecurityKey Encryption { get; }

    public static EmbeddedIssuerKeys LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            var stored = JsonSerializer.Deserialize<StoredKeys>(File.ReadAllText(path))
                ?? throw new InvalidOperationException($"The issuer key file {path} is empty.");
            var rsa = RSA.Create();
            rsa.ImportFromPem(stored.SigningKeyPem);
            return new EmbeddedIssuerKeys(rsa, Convert.FromBase64String(stored.EncryptionKey));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var created = RSA.Create(2048);
        var encryption = RandomNumberGenerator.GetBytes(32);
        var json = JsonSerializer.Serialize(new StoredKeys(created.ExportPkcs8PrivateKeyPem(), Convert.ToBase64String(encryption)));

        // Write then move, so that two nodes starting at once never read a half-written file;
        // the first move wins and the loser reads the winner's keys.
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temporary, json);
        try
        {
            File.Move(temporary, path, overwrite: false);
            return new EmbeddedIssuerKeys(created, encryption);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return LoadOrCreate(path);
        }
    }

    private static string KeyIdOf(RSA rsa) =>
        Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())[..12]);

    private sealed record StoredKeys(string SigningKeyPem, string EncryptionKey);
}
