namespace PetitChat.Core.Presence;

/// <summary>What a user says of themselves: <see cref="Auto"/> lets streams and activity decide.</summary>
public enum Availability
{
    Auto,
    Busy,
    Dnd,
    Away,
}
