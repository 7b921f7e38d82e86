namespace PetitChat.Core.E2ee;

/// <summary>
/// A user's device: public keys only. <paramref name="Signature"/> is the identity key's
/// signature over the agreement key (<see cref="DeviceSignature"/>). Keys never change: new keys
/// are a new device.
/// </summary>
public sealed record Device(
    Guid UserId,
    string DeviceId,
    string Name,
    EcPublicKey IdentityKey,
    EcPublicKey AgreementKey,
    string Signature,
    DateTimeOffset CreatedAt);
