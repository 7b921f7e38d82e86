namespace PetitChat.Contracts.Tests.Events;

/// <summary>A clock the test moves by hand, to step past a retention window without waiting.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
