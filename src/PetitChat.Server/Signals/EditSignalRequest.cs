namespace PetitChat.Server.Signals;

public sealed record EditSignalRequest(string? Text);
