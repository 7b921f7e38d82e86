namespace PetitChat.Server.Typing;

/// <summary>The body is optional; <c>threadId</c> says the typing is in that thread.</summary>
public sealed record TypingRequest(Guid? ThreadId);
