namespace PetitChat.Core.Signals;

public enum SignalKind
{
    Message,
    MemberJoined,
    MemberLeft,
    CallStarted,
    CallEnded,
    ChatRenamed,
}
