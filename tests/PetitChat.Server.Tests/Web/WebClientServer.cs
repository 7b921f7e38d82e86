using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Web;

/// <summary>The server hosting a small stand-in build of the web client from a folder of its own.</summary>
public sealed class WebClientServer : PetitChatServer
{
    public const string IndexHtml = "<!doctype html><title>Petit chat test build</title><div id=\"app\"></div>";

    public string Root => Path.Combine(Folder, "webclient");

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        Directory.CreateDirectory(Path.Combine(Root, "assets"));
        File.WriteAllText(Path.Combine(Root, "index.html"), IndexHtml);
        File.WriteAllText(Path.Combine(Root, "assets", "main-abc123.js"), "console.log('hi');");
        settings["Web:Root"] = Root;
        return Task.CompletedTask;
    }
}
