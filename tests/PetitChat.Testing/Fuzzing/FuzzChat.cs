namespace PetitChat.Testing;

/// <summary>A chat with a secret text in it that only its members may ever see.</summary>
public sealed record FuzzChat(Guid Id, string Secret, IReadOnlySet<Guid> Members, IReadOnlyList<Guid> SignalIds, IReadOnlyList<Guid> FileIds);
