namespace PetitChat.Core.Common;

/// <summary>The request body is over a size limit; <paramref name="Field"/> names what was too large.</summary>
public sealed record TooLarge(string Field, string Detail) : Failure(Detail);
