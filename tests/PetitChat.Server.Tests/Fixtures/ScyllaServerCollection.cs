namespace PetitChat.Server.Tests.Fixtures;

/// <summary>The HTTP tests that run a second time on the Scylla store share this server.</summary>
[CollectionDefinition(Name)]
public sealed class ScyllaServerCollection : ICollectionFixture<ScyllaPetitChatServer>
{
    public const string Name = "server on scylla";
}
