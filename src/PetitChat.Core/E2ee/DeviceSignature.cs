using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace PetitChat.Core.E2ee;

/// <summary>
/// The device signature of docs/e2ee.md: the identity key signs the agreement key, bound to the
/// user and device id, so that nobody (the server included) can pair someone's identity key with
/// an agreement key of their own.
/// </summary>
public static class DeviceSignature
{
    public static string SignedText(Guid userId, string deviceId, EcPublicKey agreementKey) =>
        $"petitchat/device/v1\n{userId:D}\n{deviceId}\n{agreementKey.X}\n{agreementKey.Y}";

    /// <summary>True when <paramref name="signature"/> (base64url, P1363) verifies under <paramref name="identityKey"/>.</summary>
    public static bool Verify(Guid userId, string deviceId, EcPublicKey identityKey, EcPublicKey agreementKey, string signature)
    {
        if (!TryDecode(signature, out var sig) || sig.Length != 64 || ImportOrNull(identityKey) is not { } ecdsa)
        {
            return false;
        }

        using (ecdsa)
        {
            return ecdsa.VerifyData(Encoding.UTF8.GetBytes(SignedText(userId, deviceId, agreementKey)), sig, HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
    }

    /// <summary>True when the coordinates are a point on P-256.</summary>
    public static bool IsValidKey(EcPublicKey key)
    {
        using var ecdsa = ImportOrNull(key);
        return ecdsa is not null;
    }

    private static ECDsa? ImportOrNull(EcPublicKey key)
    {
        if (!TryDecode(key.X, out var x) || !TryDecode(key.Y, out var y) || x.Length != 32 || y.Length != 32)
        {
            return null;
        }

        try
        {
            return ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length > 1024 || !Base64Url.IsValid(text))
        {
            return false;
        }

        bytes = Base64Url.DecodeFromChars(text);
        return true;
    }
}
