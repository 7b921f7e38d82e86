using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.Calls;
using PetitChat.Core.Chats;
using PetitChat.Core.Signals;
using PetitChat.Infrastructure.Scylla;

namespace PetitChat.Contracts.Tests.Calls;

/// <summary>
/// The call store contract on the Scylla store against dynalite. The tables are made once for the
/// class (every test uses chats and rooms of its own), which keeps dynalite's table creation off
/// each test.
/// </summary>
public sealed class ScyllaCallStoreTests(ScyllaCallStoreTests.Tables tables) : CallStoreContract, IClassFixture<ScyllaCallStoreTests.Tables>
{
    protected override Task<ICallStore> CreateStoreAsync() => tables.StoreAsync();

    [Fact]
    public async Task A_call_signal_keeps_its_call_info_in_the_scylla_timeline()
    {
        var store = tables.ChatStore;
        var (alice, bob, now) = (Guid.CreateVersion7(), Guid.CreateVersion7(), DateTimeOffset.UtcNow);
        var (chat, _) = await store.CreateChatAsync(new Chat(Guid.CreateVersion7(), ChatKind.Direct, null, alice, now, now, null), [alice, bob], CancellationToken.None);
        var call = new SignalCall(Guid.CreateVersion7(), CallMedia.Audio, 42, [alice, bob], Missed: false);
        var signal = new Signal(Guid.CreateVersion7(), chat.Id, SignalKind.CallEnded, alice, null, "call-ended", now, null, null, []) { Call = call };

        await store.AppendSignalAsync(signal, CancellationToken.None);
        var read = (await store.GetSignalAsync(chat.Id, signal.Id, CancellationToken.None))?.Call;

        Assert.NotNull(read);
        Assert.Equal((call.CallId, call.Media, call.DurationSeconds, call.Missed), (read.CallId, read.Media, read.DurationSeconds, read.Missed));
        Assert.Equal([alice, bob], read.ParticipantIds);
    }

    /// <summary>dynalite and one set of tables under a fresh prefix, for the whole class.</summary>
    public sealed class Tables : IAsyncLifetime, IDisposable
    {
        private readonly DynaliteFixture _dynalite = new();
        private ScyllaChatStore? _store;

        public ScyllaChatStore ChatStore => _store!;

        public Task<ICallStore> StoreAsync() => Task.FromResult<ICallStore>(new ScyllaCallStore(_store!));

        public async Task InitializeAsync()
        {
            await _dynalite.InitializeAsync();
            _store = new ScyllaChatStore(new ScyllaStoreOptions
            {
                Endpoints = [_dynalite.Url],
                TablePrefix = "c" + Guid.NewGuid().ToString("N")[..12] + "_",
            }, TimeProvider.System);
            await _store.InitializeAsync(CancellationToken.None);
        }

        public Task DisposeAsync() => _dynalite.DisposeAsync();

        public void Dispose() => _store?.Dispose();
    }
}
