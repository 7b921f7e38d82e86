using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Fixtures;

/// <summary>
/// The real server on Kestrel at 127.0.0.1 on a free port, on embedded defaults: a fresh
/// SQLite file and issuer keys in a temp folder, the in-process bus, the embedded issuer.
/// Tokens come from that issuer's password grant and are validated through its discovery
/// document over HTTP, as a Keycloak realm's would be. Subclasses point it at other engines
/// by adding settings (and starting those engines) in <see cref="ConfigureAsync"/>.
/// </summary>
public class PetitChatServer : IAsyncLifetime
{
    public const string Password = "test-password";

    private readonly List<HttpClient> _clients = [];
    private WebApplicationFactory<Program>? _factory;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A folder of this server's own, deleted at the end.</summary>
    protected string Folder { get; } = Path.Combine(Path.GetTempPath(), "petitchat-server-tests", Guid.NewGuid().ToString("N"));

    public IServiceProvider Services => _factory!.Services;

    /// <summary>The server's warnings and errors so far.</summary>
    public ServerLog Log { get; } = new();

    /// <summary>The embedded issuer's key file, so that tests can forge tokens with its own key.</summary>
    public string IssuerKeyPath => Path.Combine(Folder, "issuer-keys.json");

    public async Task InitializeAsync()
    {
        var port = LoopbackPort.Free();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = BaseAddress.AbsoluteUri,
            ["Store:Sqlite:Path"] = Path.Combine(Folder, "petitchat.db"),
            ["Blobs:Local:Path"] = Path.Combine(Folder, "blobs"),
            ["Files:TempPath"] = Path.Combine(Folder, "uploads"),
            ["Identity:CliPassword"] = Password,
            ["Identity:Embedded:KeyPath"] = IssuerKeyPath,
            ["Identity:Embedded:Issuer"] = BaseAddress.AbsoluteUri,
            ["Events:Heartbeat"] = "00:00:02",
            ["Logging:LogLevel:Default"] = "Warning",
            // Every test signs its users in from 127.0.0.1: hundreds of tokens in a few minutes.
            ["RateLimits:Anonymous:PermitLimit"] = "1000000",
            ["RateLimits:TokensPerAddress:PermitLimit"] = "1000000",
        };
        await ConfigureAsync(settings);

        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }

            host.ConfigureLogging(logging => logging.AddProvider(Log));
            ConfigureWebHost(host);
        });
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        _factory.StartServer();
    }

    /// <summary>Lets a subclass add to the host (services, a startup filter) beyond settings.</summary>
    protected virtual void ConfigureWebHost(IWebHostBuilder host)
    {
    }

    /// <summary>A client signed in as <paramref name="username"/> with a token from the embedded issuer.</summary>
    public async Task<HttpClient> ClientForAsync(string username)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenForAsync(username));
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>An access token from the embedded issuer's password grant.</summary>
    public virtual async Task<string> TokenForAsync(string username, string password = Password)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "petitchat-cli",
            ["username"] = username,
            ["password"] = password,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token request failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public async Task DisposeAsync()
    {
        lock (_clients)
        {
            _clients.ForEach(c => c.Dispose());
        }

        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await DisposeEnginesAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never made: the server did not start.
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; a file still closing in it (a clean-clone run
            // failed the whole collection on "Directory not empty") must not fail the run.
        }
    }

    /// <summary>Adds or overrides settings (and starts the engines they name) before the server starts.</summary>
    protected virtual Task ConfigureAsync(IDictionary<string, string?> settings) => Task.CompletedTask;

    /// <summary>Stops what <see cref="ConfigureAsync"/> started, after the server has stopped.</summary>
    protected virtual Task DisposeEnginesAsync() => Task.CompletedTask;
}
