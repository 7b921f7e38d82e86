using PetitChat.Core.Chats;
using PetitChat.Core.Reactions;
using PetitChat.Core.Signals;
using PetitChat.Core.Storage;
using PetitChat.Core.Users;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>
/// What every store port's contract suite shares: a store built by the adapter's subclass (which
/// only says how to build one), and helpers that set up users, chats and signals through it. Tests make their own users and chats (unique subjects and usernames),
/// so they also hold on a store shared between tests, and never depend on each other's data.
/// </summary>
public abstract class StoreContract : IAsyncLifetime
{
    // Whole milliseconds, one apart per call: adapters need not keep finer precision, and ids
    // made from these times are in creation order without relying on same-millisecond ordering.
    private long _clock = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A prefix no other test's usernames start with.</summary>
    protected string Tag { get; } = "t" + Guid.NewGuid().ToString("N")[..12];

    protected IChatStore Store { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>A store ready for use, empty or holding only data of other tests.</summary>
    protected abstract Task<IChatStore> CreateStoreAsync();

    /// <summary>Releases what <see cref="CreateStoreAsync"/> made.</summary>
    protected virtual Task DisposeStoreAsync(IChatStore store) => Task.CompletedTask;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync(Store);

    protected DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Increment(ref _clock));

    protected Guid NewId() => Guid.CreateVersion7(Now());

    protected Task<User> NewUserAsync(string? name = null) =>
        Store.UpsertUserAsync(
            new UserClaims($"sub-{Guid.NewGuid():N}", Tag + (name ?? Guid.NewGuid().ToString("N")[..8]), "Someone", ["user"]),
            NewId(), Now(), Ct);

    protected async Task<Chat> NewGroupAsync(params User[] members)
    {
        var at = Now();
        var chat = new Chat(Guid.CreateVersion7(at), ChatKind.Group, "a group", members[0].Id, at, at, null);
        var (created, _) = await Store.CreateChatAsync(chat, [.. members.Select(m => m.Id)], Ct);
        return created;
    }

    protected async Task<Chat> NewDirectAsync(User a, User b)
    {
        var at = Now();
        var chat = new Chat(Guid.CreateVersion7(at), ChatKind.Direct, null, a.Id, at, at, null);
        var (created, _) = await Store.CreateChatAsync(chat, [a.Id, b.Id], Ct);
        return created;
    }

    protected Signal Message(Chat chat, User sender, string? text = "hello", string? clientId = null)
    {
        var at = Now();
        return new Signal(Guid.CreateVersion7(at), chat.Id, SignalKind.Message, sender.Id, text, clientId, at, null, null, []);
    }

    protected Signal MembershipSignal(Chat chat, SignalKind kind, User by, User member)
    {
        var at = Now();
        return new Signal(Guid.CreateVersion7(at), chat.Id, kind, by.Id, null, null, at, member.Id, null, []);
    }

    protected async Task<Signal> SendAsync(Chat chat, User sender, string? text = "hello", string? clientId = null) =>
        (await Store.AppendSignalAsync(Message(chat, sender, text, clientId), Ct)).Signal;

    protected async Task<List<Signal>> SendManyAsync(Chat chat, User sender, int count)
    {
        var signals = new List<Signal>();
        for (var i = 0; i < count; i++)
        {
            signals.Add(await SendAsync(chat, sender, $"message {i}"));
        }

        return signals;
    }

    /// <summary>
    /// Runs <paramref name="count"/> calls on the thread pool, released together so that they
    /// overlap as much as the machine allows.
    /// </summary>
    protected static async Task<T[]> RaceAsync<T>(int count, Func<int, Task<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await call(i);
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(calls);
    }

    /// <summary>The whole timeline, newest first, paged with <c>before</c>.</summary>
    protected async Task<List<Signal>> TimelineAsync(Chat chat)
    {
        var all = new List<Signal>();
        Guid? before = null;
        while (true)
        {
            var page = await Store.GetSignalsAsync(chat.Id, new TimelineQuery(before, null, 100), Ct);
            all.AddRange(page);
            if (page.Count < 100)
            {
                return all;
            }

            before = page[^1].Id;
        }
    }

    protected Reaction ReactionOf(Signal signal, User user, string emoji) => new(signal.Id, user.Id, emoji, Now());

    /// <summary>Every field but the reaction counts, which records compare by list reference.</summary>
    protected static object Fields(Signal signal) => (
        signal.Id, signal.ChatId, signal.Kind, signal.SenderId, signal.Text, signal.ClientId,
        signal.CreatedAt, signal.MemberId, signal.CallUrl);

    protected static void AssertSameSignal(Signal expected, Signal? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(Fields(expected), Fields(actual));
    }

    protected static string Counts(Signal signal) => string.Join(" ", signal.Reactions.Select(r => $"{r.Emoji}{r.Count}"));

    protected static List<Guid> Ids(IEnumerable<Signal> signals) => [.. signals.Select(s => s.Id)];

    protected static void AssertNewestFirst(IReadOnlyList<Signal> signals)
    {
        for (var i = 1; i < signals.Count; i++)
        {
            Assert.True(signals[i - 1].Id.CompareTo(signals[i].Id) > 0, $"signal {i} is not older than signal {i - 1}");
        }
    }
}
