namespace PetitChat.Core.Apps;

/// <summary>A slash command an app answers: <c>/{Name} text</c>; <see cref="Name"/> is lowercase, without the slash.</summary>
public sealed record AppCommand(string Name, string Description);
