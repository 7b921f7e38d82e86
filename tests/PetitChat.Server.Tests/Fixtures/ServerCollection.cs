namespace PetitChat.Server.Tests.Fixtures;

/// <summary>The HTTP tests share one server; each test makes its own users and chats.</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<PetitChatServer>
{
    public const string Name = "server";
}
