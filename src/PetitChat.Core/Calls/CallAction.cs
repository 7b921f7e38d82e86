namespace PetitChat.Core.Calls;

/// <summary>What happened to a call, as the <c>call</c> live event says.</summary>
public enum CallAction
{
    Started,
    Joined,
    Left,
    Ended,
    Declined,
}
