namespace PetitChat.Core.Common;

/// <summary>
/// An expected failure, returned rather than thrown so that endpoints turn it into a problem
/// document in one place.
/// </summary>
public abstract record Failure(string Detail);

/// <summary>The thing does not exist, or the caller may not know that it does.</summary>
public sealed record NotFound(string Detail) : Failure(Detail);

/// <summary>A request field breaks a rule; <paramref name="Field"/> names it as the client sent it.</summary>
public sealed record Invalid(string Field, string Detail) : Failure(Detail);

/// <summary>The request is well-formed but conflicts with the current state.</summary>
public sealed record Conflict(string Detail) : Failure(Detail);

/// <summary>The caller is a member but may not do this.</summary>
public sealed record Forbidden(string Detail) : Failure(Detail);
