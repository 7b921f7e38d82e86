namespace PetitChat.Server.Tests.Fixtures;

/// <summary>The server with a request timeout short enough to pass in a test.</summary>
public sealed class ShortTimeoutServer : PetitChatServer
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(3);

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Limits:RequestTimeout"] = RequestTimeout.ToString();
        return Task.CompletedTask;
    }
}
