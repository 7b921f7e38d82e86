using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PetitChat.Server.Tests.E2ee;

/// <summary>
/// The C# implementation of docs/e2ee.md's wire format, with System.Security.Cryptography only,
/// independent of the web client's module: both read tests/vectors/e2ee.json.
/// </summary>
public static class WireFormat
{
    public static string B64(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    public static byte[] FromB64(string text) => Base64Url.DecodeFromChars(text);

    public static byte[] Hkdf(byte[] ikm, string info) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 32, salt: [], info: Encoding.UTF8.GetBytes(info));

    public static byte[] MessageKeyAt(byte[] chainKey, long from, long index)
    {
        if (index < from)
        {
            throw new CryptographicException("index before the chain state");
        }

        var ck = chainKey;
        for (var i = from; i < index; i++)
        {
            ck = Hkdf(ck, "next");
        }

        return Hkdf(ck, "msg");
    }

    public static string DeviceText(Guid userId, string deviceId, Jwk agreement) =>
        $"petitchat/device/v1\n{userId:D}\n{deviceId}\n{agreement.X}\n{agreement.Y}";

    public static string MessageHeader(Guid chatId, Guid senderId, string senderDeviceId, string chainId, long index) =>
        $"petitchat/msg/v1\n{chatId:D}\n{senderId:D}\n{senderDeviceId}\n{chainId}\n{index}";

    public static string ShareInfo(Guid senderId, string senderDeviceId, Guid recipientId, string recipientDeviceId) =>
        $"petitchat/share/v1\n{senderId:D}\n{senderDeviceId}\n{recipientId:D}\n{recipientDeviceId}";

    public static string Sign(ECDsa key, string text) =>
        B64(key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    public static bool Verify(Jwk key, string signature, string text)
    {
        using var ecdsa = ECDsa.Create(key.ToParameters());
        return Base64Url.IsValid(signature) && ecdsa.VerifyData(Encoding.UTF8.GetBytes(text), FromB64(signature), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>AES-256-GCM, the 16-byte tag appended (WebCrypto's layout).</summary>
    public static byte[] Seal(byte[] key, byte[] iv, byte[] plaintext, string aad)
    {
        using var gcm = new AesGcm(key, 16);
        var output = new byte[plaintext.Length + 16];
        gcm.Encrypt(iv, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), Encoding.UTF8.GetBytes(aad));
        return output;
    }

    public static byte[] Open(byte[] key, byte[] iv, byte[] sealedBytes, string aad)
    {
        using var gcm = new AesGcm(key, 16);
        var plaintext = new byte[sealedBytes.Length - 16];
        gcm.Decrypt(iv, sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length), plaintext, Encoding.UTF8.GetBytes(aad));
        return plaintext;
    }

    public static EncryptedMessage SealMessage(Guid chatId, Guid senderId, string senderDeviceId, ECDsa identity, string chainId, long index,
        byte[] messageKey, byte[] plaintext, byte[]? iv = null)
    {
        iv ??= RandomNumberGenerator.GetBytes(12);
        var header = MessageHeader(chatId, senderId, senderDeviceId, chainId, index);
        var ciphertext = B64(Seal(messageKey, iv, plaintext, header));
        var ivText = B64(iv);
        return new EncryptedMessage(1, senderDeviceId, chainId, index, ivText, ciphertext, Sign(identity, $"{header}\n{ivText}\n{ciphertext}"));
    }

    /// <summary>Checks the signature, then opens; throws <see cref="CryptographicException"/> on anything wrong.</summary>
    public static byte[] OpenMessage(Guid chatId, Guid senderId, EncryptedMessage message, Jwk senderIdentity, byte[] messageKey)
    {
        var header = MessageHeader(chatId, senderId, message.SenderDeviceId, message.ChainId, message.Index);
        if (message.V != 1 || !Verify(senderIdentity, message.Signature, $"{header}\n{message.Iv}\n{message.Ciphertext}"))
        {
            throw new CryptographicException("bad signature");
        }

        return Open(messageKey, FromB64(message.Iv), FromB64(message.Ciphertext), header);
    }

    public static byte[] PairwiseKey(ECDiffieHellman mine, Jwk theirs, string info)
    {
        using var other = ECDiffieHellman.Create(theirs.ToParameters());
        return Hkdf(mine.DeriveRawSecretAgreement(other.PublicKey), info);
    }

    public static ShareEnvelope SealShare(Guid senderId, string senderDeviceId, Guid recipientId, string recipientDeviceId,
        ECDsa identity, ECDiffieHellman agreement, Jwk recipientAgreement, ChainState state, byte[]? iv = null)
    {
        iv ??= RandomNumberGenerator.GetBytes(12);
        var info = ShareInfo(senderId, senderDeviceId, recipientId, recipientDeviceId);
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(state, JsonSerializerOptions.Web);
        var ciphertext = B64(Seal(PairwiseKey(agreement, recipientAgreement, info), iv, plaintext, info));
        var ivText = B64(iv);
        return new ShareEnvelope(1, senderDeviceId, ivText, ciphertext, Sign(identity, $"{info}\n{ivText}\n{ciphertext}"));
    }

    public static ChainState OpenShare(Guid senderId, Guid recipientId, string recipientDeviceId, ShareEnvelope envelope,
        Jwk senderIdentity, Jwk senderAgreement, ECDiffieHellman agreement)
    {
        var info = ShareInfo(senderId, envelope.SenderDeviceId, recipientId, recipientDeviceId);
        if (envelope.V != 1 || !Verify(senderIdentity, envelope.Signature, $"{info}\n{envelope.Iv}\n{envelope.Ciphertext}"))
        {
            throw new CryptographicException("bad share signature");
        }

        var plaintext = Open(PairwiseKey(agreement, senderAgreement, info), FromB64(envelope.Iv), FromB64(envelope.Ciphertext), info);
        return JsonSerializer.Deserialize<ChainState>(plaintext, JsonSerializerOptions.Web) ?? throw new CryptographicException("empty share");
    }

    /// <summary>docs/e2ee.md's safety number: 12 groups of 5 digits, the same for both users.</summary>
    public static string SafetyNumber((Guid UserId, IEnumerable<Jwk> Keys) a, (Guid UserId, IEnumerable<Jwk> Keys) b)
    {
        var groups = new List<string>();
        foreach (var side in new[] { a, b }.OrderBy(s => s.UserId.ToString("D"), StringComparer.Ordinal))
        {
            var keys = side.Keys.Select(k => $"{k.X}.{k.Y}").Order(StringComparer.Ordinal);
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", ["petitchat/safety/v1", side.UserId.ToString("D"), .. keys])));
            for (var chunk = 0; chunk < 6; chunk++)
            {
                long value = 0;
                for (var i = 0; i < 5; i++)
                {
                    value = (value * 256) + hash[(chunk * 5) + i];
                }

                groups.Add((value % 100000).ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return string.Join(" ", groups);
    }
}

/// <summary>A P-256 key as a JWK; <see cref="D"/> only for the vectors' fixed private keys.</summary>
public sealed record Jwk(string Kty, string Crv, string X, string Y,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? D = null)
{
    public static Jwk Public(ECParameters p) => new("EC", "P-256", WireFormat.B64(p.Q.X), WireFormat.B64(p.Q.Y));

    public static Jwk Private(ECParameters p) => Public(p) with { D = WireFormat.B64(p.D) };

    public ECParameters ToParameters() => new()
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = WireFormat.FromB64(X), Y = WireFormat.FromB64(Y) },
        D = D is null ? null : WireFormat.FromB64(D),
    };
}

public sealed record EncryptedMessage(int V, string SenderDeviceId, string ChainId, long Index, string Iv, string Ciphertext, string Signature);

public sealed record ShareEnvelope(int V, string SenderDeviceId, string Iv, string Ciphertext, string Signature);

public sealed record ChainState(Guid ChatId, string ChainId, long Index, string ChainKey);
