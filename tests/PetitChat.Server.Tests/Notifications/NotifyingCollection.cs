namespace PetitChat.Server.Tests.Notifications;

[CollectionDefinition(Name)]
public sealed class NotifyingCollection : ICollectionFixture<NotifyingServer>
{
    public const string Name = "notifying server";
}
