namespace PetitChat.Server.Tests.Fixtures;

/// <summary>
/// One server node of several: the NATS bus, the store and issuer keys shared with the other
/// nodes, and tokens whose issuer is the first node, so a token works on every node.
/// </summary>
public sealed class NatsNode(
    string natsUrl, string sharedFolder, Uri? issuer, IReadOnlyDictionary<string, string?>? extra = null, Action<Microsoft.AspNetCore.Hosting.IWebHostBuilder>? webHost = null)
    : PetitChatServer
{
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder host) => webHost?.Invoke(host);

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Bus:Kind"] = "nats";
        settings["Bus:Nats:Url"] = natsUrl;
        settings["Bus:Nats:RequestTimeout"] = "00:00:01";
        settings["Store:Sqlite:Path"] = Path.Combine(sharedFolder, "petitchat.db");
        settings["Identity:Embedded:KeyPath"] = Path.Combine(sharedFolder, "issuer-keys.json");
        if (issuer is not null)
        {
            settings["Identity:Embedded:Issuer"] = issuer.AbsoluteUri;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return Task.CompletedTask;
    }
}
