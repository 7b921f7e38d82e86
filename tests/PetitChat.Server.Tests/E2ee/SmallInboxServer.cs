using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.E2ee;

/// <summary>The server on embedded defaults with room for 3 unacknowledged messages per device.</summary>
public sealed class SmallInboxServer : PetitChatServer
{
    public const int Cap = 3;

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["E2ee:MaxPendingPerDevice"] = Cap.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    }
}
