using PetitChat.Testing;

namespace PetitChat.Server.Tests.Fixtures;

/// <summary>
/// The server on the Scylla store, reaching its dynalite through a <see cref="HeldAnswerProxy"/>,
/// so a test can hold the store's answer to one write.
/// </summary>
public sealed class HeldStoreServer : PetitChatServer
{
    public const string TablePrefix = "held_";

    private EngineProcess? _dynalite;

    public HeldAnswerProxy Proxy { get; private set; } = null!;

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        (_dynalite, var url) = await Dynalite.StartAsync();
        Proxy = await HeldAnswerProxy.StartAsync(new Uri(url));
        settings["Store:Kind"] = "scylla";
        settings["Store:Scylla:Endpoints:0"] = Proxy.Origin.AbsoluteUri;
        settings["Store:Scylla:TablePrefix"] = TablePrefix;
        settings["Store:Scylla:RetryBackoff"] = "00:00:00.010";
    }

    protected override async Task DisposeEnginesAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        if (_dynalite is not null)
        {
            await _dynalite.DisposeAsync();
        }
    }
}
