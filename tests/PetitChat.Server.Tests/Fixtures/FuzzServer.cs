namespace PetitChat.Server.Tests.Fixtures;

/// <summary>The server for the fuzzer: rate limits raised, so that its requests reach the endpoints rather than the limiter.</summary>
public sealed class FuzzServer : PetitChatServer
{
    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        foreach (var limit in new[] { "Api", "Sends", "Uploads", "Searches", "Tickets", "UserSearch", "PushSubscriptions", "TokensPerUsername" })
        {
            settings[$"RateLimits:{limit}:PermitLimit"] = "1000000";
        }

        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class FuzzCollection : ICollectionFixture<FuzzServer>
{
    public const string Name = "fuzz";
}
