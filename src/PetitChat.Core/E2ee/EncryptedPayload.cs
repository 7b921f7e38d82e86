namespace PetitChat.Core.E2ee;

/// <summary>
/// A message sealed on the sender's device (docs/e2ee.md): the server checks its shape and
/// sizes, stores and forwards it, and can read none of it.
/// </summary>
public sealed record EncryptedPayload(int V, string SenderDeviceId, string ChainId, long Index, string Iv, string Ciphertext, string Signature);
