using PetitChat.Testing;

namespace PetitChat.Server.Tests.Fixtures;

/// <summary>
/// The server configured for Meilisearch at a loopback port where nothing listens: a search
/// engine that is down, to check that sending goes on and searches fail cleanly.
/// </summary>
public sealed class DownMeilisearchServer : PetitChatServer
{
    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Search:Kind"] = "meilisearch";
        settings["Search:Meilisearch:Url"] = $"http://127.0.0.1:{LoopbackPort.Free()}";
        settings["Search:Meilisearch:ApiKey"] = "unused";
        settings["Search:Meilisearch:RequestTimeout"] = "00:00:02";
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class DownMeilisearchCollection : ICollectionFixture<DownMeilisearchServer>
{
    public const string Name = "down-meilisearch";
}
