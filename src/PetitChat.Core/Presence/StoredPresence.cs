namespace PetitChat.Core.Presence;

/// <summary>What the store holds for one user: their own status and the last external presence, each optional.</summary>
public sealed record StoredPresence(UserStatus? Status, ExternalPresence? External);
