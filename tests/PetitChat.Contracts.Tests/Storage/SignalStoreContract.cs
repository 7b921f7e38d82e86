using System.Collections.Concurrent;
using PetitChat.Core.Signals;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>
/// The <see cref="ISignalStore"/> contract (signals), run against each adapter by a subclass that
/// only says how to build the store. Setup goes through the other ports of the same store.
/// </summary>
public abstract partial class SignalStoreContract : StoreContract
{
    protected ISignalStore Signals => Store;

    [Fact]
    public async Task Append_stores_the_signal_as_given()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var at = Now();
        var call = new Signal(Guid.CreateVersion7(at), chat.Id, SignalKind.CallStarted, a.Id, "standup", "c-1", at, b.Id, "https://call.example/abc", []);

        var result = await Signals.AppendSignalAsync(call, Ct);

        Assert.True(result.Created);
        AssertSameSignal(call, result.Signal);
        Assert.Empty(result.Signal.Reactions);
        var stored = await Signals.GetSignalAsync(chat.Id, call.Id, Ct);
        AssertSameSignal(call, stored);
        Assert.Empty(stored!.Reactions);
    }

    [Fact]
    public async Task Append_with_same_client_id_returns_the_first_signal()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var first = Message(chat, a, "hello", "client-1");

        await Signals.AppendSignalAsync(first, Ct);
        var retry = await Signals.AppendSignalAsync(Message(chat, a, "hello again", "client-1"), Ct);

        Assert.False(retry.Created);
        AssertSameSignal(first, retry.Signal);
        Assert.Single(await TimelineAsync(chat));
    }

    [Fact]
    public async Task Append_with_same_client_id_concurrently_writes_one_signal()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);

        var results = await RaceAsync(20, i =>
            Signals.AppendSignalAsync(Message(chat, a, $"attempt {i}", "same-client-id"), Ct));

        Assert.Single(results, r => r.Created);
        var winner = results.Single(r => r.Created).Signal;
        Assert.All(results, r => AssertSameSignal(winner, r.Signal));
        AssertSameSignal(winner, Assert.Single(await TimelineAsync(chat)));
    }

    [Fact]
    public async Task Append_lets_different_senders_reuse_a_client_id()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);

        var fromA = await Signals.AppendSignalAsync(Message(chat, a, "hi", "shared"), Ct);
        var fromB = await Signals.AppendSignalAsync(Message(chat, b, "hi", "shared"), Ct);

        Assert.True(fromA.Created);
        Assert.True(fromB.Created);
        Assert.Equal(2, (await TimelineAsync(chat)).Count);
    }

    [Fact]
    public async Task Append_lets_a_sender_reuse_a_client_id_in_another_chat()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var direct = await NewDirectAsync(a, b);
        var group = await NewGroupAsync(a, b);

        Assert.True((await Signals.AppendSignalAsync(Message(direct, a, "hi", "shared"), Ct)).Created);
        Assert.True((await Signals.AppendSignalAsync(Message(group, a, "hi", "shared"), Ct)).Created);
    }

    [Fact]
    public async Task Append_without_client_id_never_deduplicates()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);

        var first = await Signals.AppendSignalAsync(Message(chat, a, "same text"), Ct);
        var second = await Signals.AppendSignalAsync(Message(chat, a, "same text"), Ct);

        Assert.True(first.Created && second.Created);
        Assert.Equal(2, (await TimelineAsync(chat)).Count);
    }

    [Fact]
    public async Task Append_moves_the_chat_last_activity_and_last_signal()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);

        var signal = await SendAsync(chat, b);

        var stored = await Store.GetChatAsync(chat.Id, Ct);
        Assert.Equal((signal.Id, signal.CreatedAt), (stored?.LastSignalId, stored?.LastActivityAt));
    }

    [Fact]
    public async Task Append_moves_the_sender_delivered_and_read_pointers_to_the_signal()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);

        var signal = await SendAsync(chat, a);

        var sender = await Store.GetMemberAsync(chat.Id, a.Id, Ct);
        Assert.Equal(signal.Id, sender?.Delivered?.SignalId);
        Assert.Equal(signal.Id, sender?.Read?.SignalId);
        var receiver = await Store.GetMemberAsync(chat.Id, b.Id, Ct);
        Assert.Null(receiver?.Delivered);
        Assert.Null(receiver?.Read);
    }

    [Fact]
    public async Task Append_of_an_older_signal_moves_neither_the_last_signal_nor_the_sender_pointers_back()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var older = Message(chat, a, "slow");
        var newer = await SendAsync(chat, a, "fast");

        await Signals.AppendSignalAsync(older, Ct);

        var stored = await Store.GetChatAsync(chat.Id, Ct);
        Assert.Equal((newer.Id, newer.CreatedAt), (stored?.LastSignalId, stored?.LastActivityAt));
        var sender = await Store.GetMemberAsync(chat.Id, a.Id, Ct);
        Assert.Equal((newer.Id, newer.Id), (sender?.Delivered?.SignalId, sender?.Read?.SignalId));
        Assert.Equal([newer.Id, older.Id], Ids(await TimelineAsync(chat)));
    }

    [Fact]
    public async Task GetSignal_from_another_chat_returns_null()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var other = await NewGroupAsync(a, b);
        var signal = await SendAsync(chat, a);

        Assert.Null(await Signals.GetSignalAsync(other.Id, signal.Id, Ct));
        Assert.Null(await Signals.GetSignalAsync(chat.Id, NewId(), Ct));
    }

    [Fact]
    public async Task GetSignals_of_an_empty_chat_is_empty()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);

        Assert.Empty(await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(null, null, 10), Ct));
        Assert.Empty(await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(NewId(), null, 10), Ct));
        Assert.Empty(await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(null, chat.Id, 10), Ct));
    }

    [Fact]
    public async Task GetSignals_returns_the_newest_first()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var sent = await SendManyAsync(chat, a, 5);

        var page = await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(null, null, 3), Ct);

        Assert.Equal(Ids(sent.AsEnumerable().Reverse().Take(3)), Ids(page));
    }

    [Fact]
    public async Task GetSignals_before_returns_the_newest_older_signals_without_the_bound()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var sent = await SendManyAsync(chat, a, 6);

        var page = await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(sent[4].Id, null, 3), Ct);

        Assert.Equal([sent[3].Id, sent[2].Id, sent[1].Id], Ids(page));
    }

    [Fact]
    public async Task GetSignals_after_returns_the_oldest_newer_signals_newest_first_without_the_bound()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var sent = await SendManyAsync(chat, a, 6);

        var page = await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(null, sent[1].Id, 3), Ct);

        Assert.Equal([sent[4].Id, sent[3].Id, sent[2].Id], Ids(page));
    }

    [Fact]
    public async Task GetSignals_on_an_exact_page_boundary_returns_an_empty_next_page()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var sent = await SendManyAsync(chat, a, 4);

        var first = await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(null, null, 2), Ct);
        var second = await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(first[^1].Id, null, 2), Ct);
        var third = await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(second[^1].Id, null, 2), Ct);
        var beyondNewest = await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(null, sent[^1].Id, 2), Ct);

        Assert.Equal([sent[1].Id, sent[0].Id], Ids(second));
        Assert.Empty(third);
        Assert.Empty(beyondNewest);
    }

    [Fact]
    public async Task GetSignals_paging_back_with_before_collects_every_signal_once_in_order()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var sent = new List<Signal>();
        for (var i = 0; i < 250; i++)
        {
            sent.Add(await SendAsync(chat, i % 3 == 0 ? b : a, $"message {i}"));
        }

        var collected = new List<Signal>();
        Guid? before = null;
        while (true)
        {
            var page = await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(before, null, 25), Ct);
            if (page.Count == 0)
            {
                break;
            }

            collected.AddRange(page);
            before = page[^1].Id;
        }

        Assert.Equal(Ids(sent.AsEnumerable().Reverse()), Ids(collected));
    }

    [Fact]
    public async Task GetSignals_paging_forward_with_after_collects_every_signal_once_in_order()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var sent = await SendManyAsync(chat, a, 60);

        var collected = new List<Signal>();
        var after = sent[0].Id;
        collected.Add(sent[0]);
        while (true)
        {
            var page = await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(null, after, 7), Ct);
            if (page.Count == 0)
            {
                break;
            }

            AssertNewestFirst(page);
            collected.AddRange(page.Reverse());
            after = page[0].Id;
        }

        Assert.Equal(Ids(sent), Ids(collected));
    }

    [Fact]
    public async Task GetSignals_paging_during_concurrent_sends_neither_repeats_nor_skips_a_signal()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var existing = await SendManyAsync(chat, a, 100);
        var sentMeanwhile = new ConcurrentBag<Guid>();

        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                sentMeanwhile.Add((await SendAsync(chat, b, $"meanwhile {i}")).Id);
            }
        });
        var collected = new List<Signal>();
        Guid? before = null;
        while (true)
        {
            var page = await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(before, null, 7), Ct);
            if (page.Count == 0)
            {
                break;
            }

            collected.AddRange(page);
            before = page[^1].Id;
        }

        await sending;

        AssertNewestFirst(collected);
        var existingIds = Ids(existing).ToHashSet();
        Assert.Equal(Ids(existing.AsEnumerable().Reverse()), Ids(collected.Where(s => existingIds.Contains(s.Id))));
        Assert.All(collected.Where(s => !existingIds.Contains(s.Id)), s => Assert.Contains(s.Id, sentMeanwhile));
    }

    [Fact]
    public async Task GetSignals_rejects_before_and_after_together()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);

        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            Signals.GetSignalsAsync(chat.Id, new TimelineQuery(NewId(), NewId(), 10), Ct));
    }
}
