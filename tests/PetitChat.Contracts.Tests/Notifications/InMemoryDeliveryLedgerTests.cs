using PetitChat.Contracts.Tests.Events;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.InProcess.Notifications;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>The ledger contract on the embedded ledger (its one worker's two views are the same instance), and its bounds.</summary>
public sealed class InMemoryDeliveryLedgerTests : DeliveryLedgerContract
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    protected override Task<(IDeliveryLedger First, IDeliveryLedger Second)> CreateLedgersAsync()
    {
        var ledger = new InMemoryDeliveryLedger();
        return Task.FromResult<(IDeliveryLedger, IDeliveryLedger)>((ledger, ledger));
    }

    [Fact]
    public async Task A_key_recorded_is_found_and_recording_it_again_keeps_one()
    {
        var ledger = new InMemoryDeliveryLedger();
        var job = NotificationJob.For(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Start);

        await ledger.AddAsync(job.Id, CancellationToken.None);
        await ledger.AddAsync(job.Id, CancellationToken.None);

        Assert.True(await ledger.ContainsAsync(job.Id, CancellationToken.None));
        Assert.False(await ledger.ContainsAsync(job.Id + ".email", CancellationToken.None));
        Assert.False(await ledger.ContainsAsync(job.Id.ToUpperInvariant(), CancellationToken.None));
        Assert.Equal(1, ledger.KeyCount);
    }

    [Fact]
    public async Task Past_its_bound_the_oldest_keys_go_first()
    {
        var ledger = new InMemoryDeliveryLedger(new ManualTime(Start), maxKeys: 3);
        string[] keys = ["job-1", "job-2", "job-3", "job-4", "job-5"];

        foreach (var key in keys)
        {
            await ledger.AddAsync(key, CancellationToken.None);
        }

        Assert.Equal(3, ledger.KeyCount);
        Assert.False(await ledger.ContainsAsync("job-1", CancellationToken.None));
        Assert.False(await ledger.ContainsAsync("job-2", CancellationToken.None));
        foreach (var key in keys[2..])
        {
            Assert.True(await ledger.ContainsAsync(key, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Keys_and_marks_older_than_a_day_are_forgotten()
    {
        var time = new ManualTime(Start);
        var ledger = new InMemoryDeliveryLedger(time);
        var (user, chat, message) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await ledger.AddAsync("job-old", CancellationToken.None);
        await ledger.ChangeMarkAsync(user, chat, mark => mark.Committed(message, "job-old"), CancellationToken.None);

        time.Advance(TimeSpan.FromHours(23));
        await ledger.AddAsync("job-new", CancellationToken.None);
        Assert.True(await ledger.ContainsAsync("job-old", CancellationToken.None));
        Assert.Equal(message, await ledger.GetCoveredAsync(user, chat, CancellationToken.None));

        time.Advance(TimeSpan.FromHours(2));
        Assert.False(await ledger.ContainsAsync("job-old", CancellationToken.None));
        Assert.True(await ledger.ContainsAsync("job-new", CancellationToken.None));
        Assert.Null(await ledger.GetCoveredAsync(user, chat, CancellationToken.None));
        Assert.Equal(PushMark.None, await ledger.ChangeMarkAsync(user, chat, mark => mark, CancellationToken.None));
        Assert.Equal(1, ledger.KeyCount);
    }

    [Fact]
    public async Task A_long_key_is_kept_apart_from_its_prefix()
    {
        var ledger = new InMemoryDeliveryLedger();
        var longKey = new string('k', 2_000) + "é";

        await ledger.AddAsync(longKey, CancellationToken.None);

        Assert.True(await ledger.ContainsAsync(longKey, CancellationToken.None));
        Assert.False(await ledger.ContainsAsync(longKey[..^1], CancellationToken.None));
    }
}
