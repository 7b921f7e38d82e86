namespace PetitChat.Testing;

/// <summary>One generated request: the index of an operation and of a caller, a seed for the choices, and a CsCheck string.</summary>
public sealed record FuzzCase(int Operation, int Caller, int Seed, string Text);
