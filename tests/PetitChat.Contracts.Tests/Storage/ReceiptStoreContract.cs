using PetitChat.Core.Receipts;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>
/// The <see cref="IReceiptStore"/> contract (receipts), run against each adapter by a subclass that
/// only says how to build the store. Setup goes through the other ports of the same store.
/// </summary>
public abstract class ReceiptStoreContract : StoreContract
{
    protected IReceiptStore Receipts => Store;

    [Fact]
    public async Task MoveReceipt_delivered_moves_forward_only()
    {
        var (me, other) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(me, other);
        var sent = await SendManyAsync(chat, other, 3);
        var at = Now();

        Assert.Equal(new ReceiptMove(true, false), await Receipts.MoveReceiptAsync(chat.Id, me.Id, ReceiptState.Delivered, sent[1].Id, at, Ct));
        Assert.Equal(new ReceiptMove(false, false), await Receipts.MoveReceiptAsync(chat.Id, me.Id, ReceiptState.Delivered, sent[0].Id, Now(), Ct));
        Assert.Equal(new ReceiptMove(false, false), await Receipts.MoveReceiptAsync(chat.Id, me.Id, ReceiptState.Delivered, sent[1].Id, Now(), Ct));

        var member = await Store.GetMemberAsync(chat.Id, me.Id, Ct);
        Assert.Equal(new ReceiptPointer(sent[1].Id, at), member?.Delivered);
        Assert.Null(member?.Read);
    }

    [Fact]
    public async Task MoveReceipt_read_also_moves_delivered_when_it_is_behind()
    {
        var (me, other) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(me, other);
        var sent = await SendManyAsync(chat, other, 3);
        var at = Now();

        var move = await Receipts.MoveReceiptAsync(chat.Id, me.Id, ReceiptState.Read, sent[1].Id, at, Ct);

        Assert.Equal(new ReceiptMove(true, true), move);
        var member = await Store.GetMemberAsync(chat.Id, me.Id, Ct);
        Assert.Equal(new ReceiptPointer(sent[1].Id, at), member?.Read);
        Assert.Equal(new ReceiptPointer(sent[1].Id, at), member?.Delivered);
    }

    [Fact]
    public async Task MoveReceipt_read_leaves_a_delivered_pointer_that_is_further_alone()
    {
        var (me, other) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(me, other);
        var sent = await SendManyAsync(chat, other, 3);
        var deliveredAt = Now();
        await Receipts.MoveReceiptAsync(chat.Id, me.Id, ReceiptState.Delivered, sent[2].Id, deliveredAt, Ct);

        var move = await Receipts.MoveReceiptAsync(chat.Id, me.Id, ReceiptState.Read, sent[0].Id, Now(), Ct);

        Assert.Equal(new ReceiptMove(false, true), move);
        var member = await Store.GetMemberAsync(chat.Id, me.Id, Ct);
        Assert.Equal(new ReceiptPointer(sent[2].Id, deliveredAt), member?.Delivered);
        Assert.Equal(sent[0].Id, member?.Read?.SignalId);
    }

    [Fact]
    public async Task MoveReceipt_read_backwards_moves_nothing()
    {
        var (me, other) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(me, other);
        var sent = await SendManyAsync(chat, other, 2);
        await Receipts.MoveReceiptAsync(chat.Id, me.Id, ReceiptState.Read, sent[1].Id, Now(), Ct);

        var move = await Receipts.MoveReceiptAsync(chat.Id, me.Id, ReceiptState.Read, sent[0].Id, Now(), Ct);

        Assert.False(move.Any);
        Assert.Equal(sent[1].Id, (await Store.GetMemberAsync(chat.Id, me.Id, Ct))?.Read?.SignalId);
    }

    [Fact]
    public async Task MoveReceipt_concurrently_keeps_the_furthest_pointer()
    {
        var (me, other) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(me, other);
        var sent = await SendManyAsync(chat, other, 20);

        var shuffled = sent.OrderBy(_ => Random.Shared.Next()).ToList();
        var furthestRead = shuffled.Where((_, i) => i % 2 == 0).MaxBy(s => s.Id)!;

        await RaceAsync(shuffled.Count, i =>
            Receipts.MoveReceiptAsync(chat.Id, me.Id, i % 2 == 0 ? ReceiptState.Read : ReceiptState.Delivered, shuffled[i].Id, Now(), Ct));

        var member = await Store.GetMemberAsync(chat.Id, me.Id, Ct);
        Assert.Equal(sent[^1].Id, member?.Delivered?.SignalId);
        Assert.Equal(furthestRead.Id, member?.Read?.SignalId);
    }

    [Fact]
    public async Task MoveReceipt_concurrently_to_the_same_signal_moves_it_once()
    {
        var (me, other) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(me, other);
        var signal = await SendAsync(chat, other);

        var moves = await RaceAsync(10, _ =>
            Receipts.MoveReceiptAsync(chat.Id, me.Id, ReceiptState.Read, signal.Id, Now(), Ct));

        Assert.Single(moves, m => m.ReadMoved);
        Assert.Single(moves, m => m.DeliveredMoved);
    }

    [Fact]
    public async Task MoveReceipt_of_a_non_member_moves_nothing()
    {
        var (a, b, stranger) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var signal = await SendAsync(chat, a);

        var move = await Receipts.MoveReceiptAsync(chat.Id, stranger.Id, ReceiptState.Read, signal.Id, Now(), Ct);

        Assert.False(move.Any);
        Assert.Null(await Store.GetMemberAsync(chat.Id, stranger.Id, Ct));
    }

    [Fact]
    public async Task Receipt_pointers_show_in_the_member_list()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b, c);
        var signal = await SendAsync(chat, a);
        var deliveredAt = Now();
        await Receipts.MoveReceiptAsync(chat.Id, b.Id, ReceiptState.Delivered, signal.Id, deliveredAt, Ct);
        var readAt = Now();
        await Receipts.MoveReceiptAsync(chat.Id, c.Id, ReceiptState.Read, signal.Id, readAt, Ct);

        var members = (await Store.GetMembersAsync(chat.Id, Ct)).ToDictionary(m => m.UserId);

        Assert.Equal(new ReceiptPointer(signal.Id, signal.CreatedAt), members[a.Id].Read);
        Assert.Equal((new ReceiptPointer(signal.Id, deliveredAt), (ReceiptPointer?)null), (members[b.Id].Delivered, members[b.Id].Read));
        Assert.Equal((new ReceiptPointer(signal.Id, readAt), new ReceiptPointer(signal.Id, readAt)), (members[c.Id].Delivered, members[c.Id].Read));
    }
}
