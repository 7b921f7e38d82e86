using Microsoft.Extensions.Options;
using PetitChat.Core.Events;
using PetitChat.Infrastructure.InProcess;

namespace PetitChat.Contracts.Tests.Events;

public sealed class InProcessEventBusTests : EventBusContract
{
    protected override Task<IEventBus> CreateBusAsync(TimeSpan retention, int subscriberBuffer, TimeProvider time) =>
        Task.FromResult<IEventBus>(new InProcessEventBus(
            Options.Create(new InProcessBusOptions { Retention = retention, SubscriberBuffer = subscriberBuffer }), time));

    [Fact]
    public async Task An_id_from_before_a_restart_gives_a_reset()
    {
        var user = Guid.CreateVersion7();
        var before = await CreateBusAsync(TimeSpan.FromHours(1), 100, TimeProvider.System);
        using var cts = new CancellationTokenSource(Wait);
        var stream = await before.SubscribeAsync(user, null, cts.Token);
        await PublishAsync(before, user, 1);
        var lastSeen = (await TakeAsync(stream, 1, cts.Token))[0].Id;

        var restarted = await CreateBusAsync(TimeSpan.FromHours(1), 100, TimeProvider.System);
        var resumed = await restarted.SubscribeAsync(user, lastSeen, cts.Token);

        Assert.IsType<StreamReset>((await TakeAsync(resumed, 1, cts.Token))[0].Event);
    }
}
