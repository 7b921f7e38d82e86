using PetitChat.Core.Events;
using PetitChat.Core.Receipts;

namespace PetitChat.Contracts.Tests.Events;

public abstract partial class EventBusContract
{
    [Fact]
    public async Task A_receipt_batch_arrives_with_every_move_it_carries()
    {
        var bus = await CreateBusAsync();
        var user = Guid.CreateVersion7();
        var (chat, bob, carol, signal) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        ReceiptMoved[] moves =
        [
            new(chat, bob, ReceiptState.Delivered, signal, at),
            new(chat, bob, ReceiptState.Read, signal, at),
            new(chat, carol, ReceiptState.Read, signal, at.AddSeconds(1)),
        ];
        using var cts = new CancellationTokenSource(Wait);
        var stream = await bus.SubscribeAsync(user, null, cts.Token);

        await bus.PublishAsync(new ReceiptsMoved(chat, moves), [user], CancellationToken.None);

        var batch = Assert.IsType<ReceiptsMoved>((await TakeAsync(stream, 1, cts.Token))[0].Event);
        Assert.Equal(chat, batch.ChatId);
        Assert.Equal(moves, batch.Receipts);
    }
}
