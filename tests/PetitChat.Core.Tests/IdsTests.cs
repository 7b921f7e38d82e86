using PetitChat.Core.Common;

namespace PetitChat.Core.Tests;

public sealed class IdsTests
{
    private sealed class FrozenTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void Ids_made_in_the_same_millisecond_still_increase()
    {
        var ids = new Ids(new FrozenTime(DateTimeOffset.UnixEpoch.AddYears(56)));

        var made = Enumerable.Range(0, 10_000).Select(_ => ids.Next()).ToList();

        Assert.Equal(made.Order(), made);
        Assert.Equal(made.Count, made.Distinct().Count());
        Assert.Equal(made.Select(g => g.ToString()).Order(StringComparer.Ordinal), made.Select(g => g.ToString()));
    }

    [Fact]
    public void Ids_are_version_7_with_the_rfc_variant_and_carry_their_time()
    {
        var now = new DateTimeOffset(2026, 11, 25, 8, 0, 0, 123, TimeSpan.Zero);
        var id = new Ids(new FrozenTime(now)).Next();

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
        Assert.Equal(now, Ids.TimestampOf(id));
    }

    [Fact]
    public void A_clock_going_back_does_not_make_ids_go_back()
    {
        var time = new SteppingTime(DateTimeOffset.UnixEpoch.AddYears(56));
        var ids = new Ids(time);
        var first = ids.Next();

        time.Now -= TimeSpan.FromSeconds(5);
        var second = ids.Next();

        Assert.True(second.CompareTo(first) > 0);
    }

    private sealed class SteppingTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
