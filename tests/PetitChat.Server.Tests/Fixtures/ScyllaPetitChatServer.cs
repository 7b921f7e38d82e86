using PetitChat.Testing;

namespace PetitChat.Server.Tests.Fixtures;

/// <summary>
/// The same server with <c>Store:Kind = scylla</c>, on a dynalite of its own (the DynamoDB API
/// standing in for Scylla's Alternator), so the HTTP flows also run on the Scylla adapter.
/// </summary>
public sealed class ScyllaPetitChatServer : PetitChatServer
{
    public EngineProcess Dynalite { get; private set; } = null!;

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        (Dynalite, var url) = await Testing.Dynalite.StartAsync();
        settings["Store:Kind"] = "scylla";
        settings["Store:Scylla:Endpoints:0"] = url;
        settings["Store:Scylla:TablePrefix"] = "http_";
        settings["Store:Scylla:RetryBackoff"] = "00:00:00.010";
    }

    protected override async Task DisposeEnginesAsync()
    {
        if (Dynalite is not null)
        {
            await Dynalite.DisposeAsync();
        }
    }
}
