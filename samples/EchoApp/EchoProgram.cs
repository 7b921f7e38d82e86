namespace PetitChat.Samples.EchoApp;

/// <summary>
/// <c>dotnet run --project samples/EchoApp -- --port 5090 --secret S --token T --server http://localhost:5080</c>,
/// with the signing secret and bot token the server gave when the app was registered.
/// </summary>
public static class EchoProgram
{
    public static async Task Main(string[] args)
    {
        var config = new ConfigurationBuilder().AddCommandLine(args).AddEnvironmentVariables("ECHOAPP_").Build();
        var bot = new EchoBot
        {
            SigningSecret = config["secret"] ?? throw new InvalidOperationException("--secret: the app's signing secret is required."),
            BotToken = config["token"] ?? "",
            Server = config["server"] is { } server ? new Uri(server) : null,
        };
        await using var app = EchoBot.Build(bot, [], int.Parse(config["port"] ?? "5090", System.Globalization.CultureInfo.InvariantCulture));
        await app.RunAsync();
    }
}
