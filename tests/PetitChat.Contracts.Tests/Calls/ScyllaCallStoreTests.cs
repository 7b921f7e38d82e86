using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.Calls;
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

    /// <summary>dynalite and one set of tables under a fresh prefix, for the whole class.</summary>
    public sealed class Tables : IAsyncLifetime, IDisposable
    {
        private readonly DynaliteFixture _dynalite = new();
        private ScyllaChatStore? _store;

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
