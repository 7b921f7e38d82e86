using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Apps;

/// <summary>
/// The server on embedded defaults with what app tests need: http app urls on loopback, fast
/// retries of deliveries (3 attempts), a small incoming webhook rate, and <see cref="Admin"/> as
/// an administrator of the embedded issuer.
/// </summary>
public sealed class AppsServer : PetitChatServer
{
    public const string Admin = "apps-admin";
    public const int IncomingRatePerMinute = 4;

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Apps:AllowHttp"] = "true";
        settings["Apps:IncomingRatePerMinute"] = IncomingRatePerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Notifications:Outbound:AllowLoopback"] = "true";
        settings["Notifications:Retry:FirstDelay"] = "00:00:00.100";
        settings["Notifications:Retry:MaxDelay"] = "00:00:00.300";
        settings["Notifications:Retry:MaxAttempts"] = "3";
        settings["Identity:Embedded:Admins:0"] = Admin;
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class AppsCollection : ICollectionFixture<AppsServer>
{
    public const string Name = "apps server";
}
