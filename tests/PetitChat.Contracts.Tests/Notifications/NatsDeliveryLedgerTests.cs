using PetitChat.Contracts.Tests.Events;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.Nats.Notifications;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>The ledger contract on a real nats-server: two workers, each with its own connection to one bucket.</summary>
public sealed class NatsDeliveryLedgerTests(NatsServerFixture nats) : DeliveryLedgerContract, IClassFixture<NatsServerFixture>, IAsyncLifetime
{
    private readonly List<NatsWorker> _workers = [];

    protected override async Task<(IDeliveryLedger First, IDeliveryLedger Second)> CreateLedgersAsync()
    {
        var options = NatsWorker.OptionsFor(nats.Server.Url);
        _workers.Add(await NatsWorker.StartAsync(options, RetryPolicy.Default));
        _workers.Add(await NatsWorker.StartAsync(options, RetryPolicy.Default));
        return (_workers[^2].Ledger, _workers[^1].Ledger);
    }

    [Fact]
    public void A_mark_without_a_claim_is_stored_as_before_claims_and_a_claimed_one_reads_back_whole()
    {
        var covered = Guid.CreateVersion7();
        var claim = new PushClaim("0192f3.0192f4", 2, Guid.CreateVersion7(), DateTimeOffset.FromUnixTimeMilliseconds(1_796_000_000_123));

        Assert.Equal(covered.ToString("N"), PushMarkText.Format(new PushMark(covered, null)));
        Assert.Equal(new PushMark(covered, null), PushMarkText.Parse(covered.ToString("N")));
        Assert.Equal(new PushMark(covered, claim), PushMarkText.Parse(PushMarkText.Format(new PushMark(covered, claim))));
        Assert.Equal(new PushMark(null, claim), PushMarkText.Parse(PushMarkText.Format(new PushMark(null, claim))));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }
    }
}
