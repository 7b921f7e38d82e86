namespace PetitChat.Server.Calls;

/// <summary>How the caller opens the conference: <c>jwt</c> is null when Jitsi runs without tokens.</summary>
public sealed record JoinDto(string Url, string Domain, string Room, string? Jwt);
