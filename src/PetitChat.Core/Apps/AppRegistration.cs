namespace PetitChat.Core.Apps;

/// <summary>What an administrator registers or changes: the app's name, event url, events and commands.</summary>
public sealed record AppRegistration(string? Name, string? Url, IReadOnlyList<string>? Events, IReadOnlyList<AppCommand>? Commands);
