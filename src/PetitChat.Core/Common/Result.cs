using System.Diagnostics.CodeAnalysis;

namespace PetitChat.Core.Common;

/// <summary>A value or an expected <see cref="Common.Failure"/>.</summary>
public readonly record struct Result<T>
{
    internal Result(T? value, Failure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }

    public Failure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Failure is null;

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Failure failure) => new(default, failure);
}

public static class Result
{
    /// <summary>For values of an interface type, which C# does not convert implicitly.</summary>
    public static Result<T> Ok<T>(T value) => new(value, null);
}
