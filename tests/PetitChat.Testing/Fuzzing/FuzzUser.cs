namespace PetitChat.Testing;

/// <summary>A user the fuzzer calls as, with a valid token.</summary>
public sealed record FuzzUser(string Name, string Token, Guid Id);
