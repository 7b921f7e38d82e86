using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PetitChat.Server.Tests.Fixtures;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Gateway;

/// <summary>
/// The gateway (src/PetitChat.Gateway, run as its own process from its build output) in front of
/// two server nodes on Kestrel, which share one nats-server and one store, and of s3rver for
/// presigned downloads. Each node records what it received (after its forwarded-headers step)
/// and can be told to fail its readiness check, as a node whose store went away would.
/// </summary>
public sealed class GatewayFront : IAsyncLifetime, IAsyncDisposable
{
    private readonly int _gatewayPort = LoopbackPort.Free();
    private S3rverProcess? _s3;
    private NatsNodes? _nodes;
    private EngineProcess? _gateway;

    public Uri Gateway => new($"http://127.0.0.1:{_gatewayPort}/");

    public NatsNodes Nodes => _nodes ?? throw new InvalidOperationException("Not started.");

    /// <summary>Per node: every request it handled, as the node saw it.</summary>
    public ConcurrentQueue<Seen>[] Received { get; } = [new(), new()];

    /// <summary>Per node: when set, its <c>/readyz</c> answers 503.</summary>
    public bool[] NotReady { get; } = new bool[2];

    public async Task InitializeAsync()
    {
        _s3 = await S3rverProcess.StartAsync();
        _nodes = new NatsNodes
        {
            Settings = new Dictionary<string, string?>
            {
                // The gateway connects from 127.0.0.1: only its forwarded headers count.
                ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
                ["Blobs:Kind"] = "s3",
                ["Blobs:S3:ServiceUrl"] = _s3.ServiceUrl,
                ["Blobs:S3:Bucket"] = "petitchat",
                ["Blobs:S3:AccessKey"] = S3rverProcess.Key,
                ["Blobs:S3:SecretKey"] = S3rverProcess.Key,
                ["Blobs:S3:PresignedDownloads"] = "true",
                ["Blobs:S3:PublicUrl"] = Gateway.AbsoluteUri,
            },
            WebHost = (node, host) => host.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new Recorder(this, node))),
        };
        await _nodes.InitializeAsync();

        var dll = Path.GetFullPath(Path.Combine(Standins.Folder, "..", "..", "src", "PetitChat.Gateway", "bin",
            new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "PetitChat.Gateway.dll"));
        List<string> arguments = [dll, $"--urls={Gateway.AbsoluteUri}", "--Logging:LogLevel:Default=Warning",
            $"--ReverseProxy:Clusters:blobs:Destinations:s3:Address={_s3.ServiceUrl}"];
        foreach (var cluster in new[] { "servers", "streams" })
        {
            for (var i = 0; i < 2; i++)
            {
                arguments.Add($"--ReverseProxy:Clusters:{cluster}:Destinations:server{i + 1}:Address={_nodes.Nodes[i].BaseAddress}");
            }

            // Checked often, so that a test sees a node go and come back within seconds.
            arguments.Add($"--ReverseProxy:Clusters:{cluster}:HealthCheck:Active:Interval=00:00:00.300");
        }

        _gateway = await EngineProcess.StartAsync("dotnet", arguments, _gatewayPort, "Build src/PetitChat.Gateway (the test project builds it).");
    }

    /// <summary>How many requests to <paramref name="path"/> each node has handled so far.</summary>
    public int[] Count(string path) => [.. Received.Select(q => q.Count(s => s.Path == path))];

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_nodes is not null)
        {
            await _nodes.DisposeAsync();
        }

        if (_s3 is not null)
        {
            await _s3.DisposeAsync();
        }
    }

    /// <summary>
    /// A request as a node saw it: counted when it comes in, and filled in (<see cref="Done"/>)
    /// once the node's pipeline, forwarded-headers step included, has run.
    /// </summary>
    public sealed class Seen(string path, string query)
    {
        public string Path => path;

        public string Query => query;

        public IPAddress? RemoteAddress { get; set; }

        public string Scheme { get; set; } = "";

        public string Host { get; set; } = "";

        private volatile bool _done;

        public bool Done
        {
            get => _done;
            set => _done = value;
        }
    }

    private sealed class Recorder(GatewayFront front, int node) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextStep) =>
            {
                if (context.Request.Path == "/readyz" && front.NotReady[node])
                {
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    return;
                }

                var seen = new Seen(context.Request.Path, context.Request.QueryString.ToString());
                front.Received[node].Enqueue(seen);
                await nextStep(context);
                // Read after the app's pipeline: UseForwardedHeaders rewrote these in place.
                (seen.RemoteAddress, seen.Scheme, seen.Host) = (context.Connection.RemoteIpAddress, context.Request.Scheme, context.Request.Host.ToString());
                seen.Done = true;
            });
            next(app);
        };
    }
}
