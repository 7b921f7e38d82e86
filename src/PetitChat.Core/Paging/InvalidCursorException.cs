namespace PetitChat.Core.Paging;

/// <summary>A cursor the store did not issue (or can no longer read): the client's mistake, a 400.</summary>
public sealed class InvalidCursorException(string message) : ArgumentException(message, "cursor");
