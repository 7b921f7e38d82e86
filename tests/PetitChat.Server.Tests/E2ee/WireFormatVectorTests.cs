using System.Security.Cryptography;
using System.Text;
using PetitChat.Core.E2ee;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.E2ee;

/// <summary>
/// The C# implementation against tests/vectors/e2ee.json: the deterministic values exactly, and
/// what the web client's module (WebCrypto) signed there verified and opened, so the format is
/// not private to one implementation. The web client's Vitest suite reads the same file.
/// </summary>
public class WireFormatVectorTests
{
    private static readonly System.Text.Json.JsonElement V = Vectors.Get;

    [Fact]
    public void Chain_steps_give_the_vectors_message_and_chain_keys()
    {
        var chainKey = WireFormat.FromB64(V.GetProperty("chain").Str("chainKey"));
        foreach (var step in V.GetProperty("chain").GetProperty("steps").EnumerateArray())
        {
            Assert.Equal(step.Str("messageKey"), WireFormat.B64(WireFormat.Hkdf(chainKey, "msg")));
            chainKey = WireFormat.Hkdf(chainKey, "next");
            Assert.Equal(step.Str("nextChainKey"), WireFormat.B64(chainKey));
        }
    }

    [Fact]
    public void Sealing_the_vector_message_gives_its_ciphertext()
    {
        var m = V.GetProperty("message");
        var header = WireFormat.MessageHeader(m.GetProperty("chatId").GetGuid(), m.GetProperty("senderId").GetGuid(), m.Str("senderDeviceId"),
            m.Str("chainId"), m.GetProperty("index").GetInt64());
        var messageKey = WireFormat.MessageKeyAt(WireFormat.FromB64(V.GetProperty("chain").Str("chainKey")), 0, m.GetProperty("index").GetInt64());

        Assert.Equal(m.Str("header"), header);
        Assert.Equal(m.Str("messageKey"), WireFormat.B64(messageKey));
        Assert.Equal(m.Str("ciphertext"), WireFormat.B64(WireFormat.Seal(messageKey, WireFormat.FromB64(m.Str("iv")), Encoding.UTF8.GetBytes(m.Str("plaintext")), header)));
    }

    [Theory]
    [InlineData("webcrypto")]
    [InlineData("dotnet")]
    public void A_message_signed_by_either_implementation_opens(string signer)
    {
        var m = V.GetProperty("message");
        var message = V.GetProperty("signedBy").GetProperty(signer).Read<EncryptedMessage>("message");
        var plaintext = WireFormat.OpenMessage(m.GetProperty("chatId").GetGuid(), m.GetProperty("senderId").GetGuid(), message,
            Public(V.GetProperty("alice").Read<Jwk>("identity")), WireFormat.FromB64(m.Str("messageKey")));

        Assert.Equal(m.Str("plaintext"), Encoding.UTF8.GetString(plaintext));
    }

    [Theory]
    [InlineData("webcrypto")]
    [InlineData("dotnet")]
    public void A_key_share_sealed_by_either_implementation_opens_for_its_recipient(string signer)
    {
        var (alice, bob) = (V.GetProperty("alice"), V.GetProperty("bob"));
        using var bobAgreement = ECDiffieHellman.Create(bob.Read<Jwk>("agreement").ToParameters());
        using var aliceAgreement = ECDiffieHellman.Create(alice.Read<Jwk>("agreement").ToParameters());
        var share = V.GetProperty("share");
        using (var bobPublic = ECDiffieHellman.Create(Public(bob.Read<Jwk>("agreement")).ToParameters()))
        {
            Assert.Equal(share.Str("sharedSecret"), WireFormat.B64(aliceAgreement.DeriveRawSecretAgreement(bobPublic.PublicKey)));
        }

        Assert.Equal(share.Str("key"), WireFormat.B64(WireFormat.PairwiseKey(bobAgreement, Public(alice.Read<Jwk>("agreement")), share.Str("info"))));

        var state = WireFormat.OpenShare(alice.GetProperty("userId").GetGuid(), bob.GetProperty("userId").GetGuid(), bob.Str("deviceId"),
            V.GetProperty("signedBy").GetProperty(signer).Read<ShareEnvelope>("share"),
            Public(alice.Read<Jwk>("identity")), Public(alice.Read<Jwk>("agreement")), bobAgreement);

        Assert.Equal(V.GetProperty("chain").Str("chainKey"), state.ChainKey);
        Assert.Equal(V.GetProperty("message").Str("chainId"), state.ChainId);
        Assert.Equal(share.Str("ciphertext"), V.GetProperty("signedBy").GetProperty(signer).GetProperty("share").Str("ciphertext"));
    }

    [Theory]
    [InlineData("webcrypto")]
    [InlineData("dotnet")]
    public void Device_signatures_of_either_implementation_pass_the_servers_check(string signer)
    {
        var alice = V.GetProperty("alice");
        var (identity, agreement) = (alice.Read<Jwk>("identity"), alice.Read<Jwk>("agreement"));
        var signature = V.GetProperty("signedBy").GetProperty(signer).Str("aliceDeviceSignature");

        Assert.True(DeviceSignature.Verify(alice.GetProperty("userId").GetGuid(), alice.Str("deviceId"), new EcPublicKey(identity.X, identity.Y),
            new EcPublicKey(agreement.X, agreement.Y), signature));
        // Bound to the user: the same keys claimed by someone else fail.
        Assert.False(DeviceSignature.Verify(Guid.NewGuid(), alice.Str("deviceId"), new EcPublicKey(identity.X, identity.Y),
            new EcPublicKey(agreement.X, agreement.Y), signature));
    }

    [Fact]
    public void Safety_number_matches_the_vector_whichever_side_computes_it()
    {
        var (alice, bob) = (V.GetProperty("alice"), V.GetProperty("bob"));
        var a = (alice.GetProperty("userId").GetGuid(), new[] { Public(alice.Read<Jwk>("identity")) });
        var b = (bob.GetProperty("userId").GetGuid(), new[] { Public(bob.Read<Jwk>("identity")) });

        Assert.Equal(V.Str("safetyNumber"), WireFormat.SafetyNumber(a, b));
        Assert.Equal(V.Str("safetyNumber"), WireFormat.SafetyNumber(b, a));
    }

    private static Jwk Public(Jwk jwk) => jwk with { D = null };
}
