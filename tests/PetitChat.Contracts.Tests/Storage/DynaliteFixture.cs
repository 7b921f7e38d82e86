using PetitChat.Testing;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>One dynalite process for a test class; each test keeps to its own table prefix.</summary>
public sealed class DynaliteFixture : IAsyncLifetime
{
    private EngineProcess? _process;

    public string Url { get; private set; } = "";

    public async Task InitializeAsync() => (_process, Url) = await Dynalite.StartAsync();

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
