namespace PetitChat.Server.Tests.Notifications;

[CollectionDefinition(Name)]
public sealed class NatsNotifyingCollection : ICollectionFixture<NatsNotifyingServer>
{
    public const string Name = "notifying server on nats";
}
