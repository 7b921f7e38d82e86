using System.Buffers.Text;
using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Signals;

namespace PetitChat.Core.E2ee;

/// <summary>What the server enforces about encrypted chats' signals (docs/e2ee.md): no plaintext in, no ciphertext out of place.</summary>
public static class EncryptedChatRules
{
    /// <summary>The failure when the request does not fit the chat's encryption, else null.</summary>
    public static Invalid? Check(Chat? chat, NewSignal request) => (chat?.Encrypted ?? false, request) switch
    {
        (true, { Text: { } text }) when !string.IsNullOrWhiteSpace(text) =>
            new Invalid("text", "This chat is end-to-end encrypted: the server takes no plaintext; send the message sealed, as encrypted."),
        (true, { Kind: SignalKind.Message, Encrypted: null }) =>
            new Invalid("text", "This chat is end-to-end encrypted: a message is sent sealed, as encrypted, never as text."),
        (false, { Encrypted: not null }) =>
            new Invalid("encrypted", "This chat is not end-to-end encrypted; send text."),
        _ => null,
    };

    /// <summary>Shape and size of a sealed message; the server cannot check more.</summary>
    public static Invalid? CheckPayload(SignalKind kind, EncryptedPayload payload, E2eeLimits limits)
    {
        if (kind != SignalKind.Message)
        {
            return new Invalid("encrypted", "Only messages are sealed.");
        }

        if (payload.V != 1)
        {
            return new Invalid("encrypted.v", "encrypted.v must be 1.");
        }

        if (payload.Index < 0)
        {
            return new Invalid("encrypted.index", "encrypted.index is a chain position, 0 or more.");
        }

        return Field("encrypted.senderDeviceId", payload.SenderDeviceId, limits.MaxDeviceIdLength, base64: false)
            ?? Field("encrypted.chainId", payload.ChainId, 64, base64: true)
            ?? Field("encrypted.iv", payload.Iv, 64, base64: true)
            ?? Field("encrypted.ciphertext", payload.Ciphertext, limits.MaxCiphertextLength, base64: true)
            ?? Field("encrypted.signature", payload.Signature, 128, base64: true);
    }

    private static Invalid? Field(string name, string? value, int maxLength, bool base64) =>
        string.IsNullOrEmpty(value) || value.Length > maxLength || (base64 && !Base64Url.IsValid(value))
            ? new Invalid(name, $"{name} is required, at most {maxLength} characters{(base64 ? " of base64url" : "")}.")
            : null;
}
