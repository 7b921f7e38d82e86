using System.Net.Http.Headers;
using PetitChat.Server.Tests.Api;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Fixtures;

/// <summary>
/// Several server nodes on their own ports (two by default), sharing one SQLite file and one
/// real nats-server with JetStream, as a deployment behind a load balancer would. Nodes and
/// NATS can be stopped and NATS started again, for the fault tests.
/// </summary>
public sealed class NatsNodes : IAsyncLifetime, IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("petitchat-nodes-").FullName;
    private readonly List<NatsNode> _nodes = [];
    private readonly HashSet<int> _stopped = [];
    private readonly List<HttpClient> _clients = [];
    private NatsServer? _nats;

    public NatsServer Nats => _nats ?? throw new InvalidOperationException("Not started.");

    public IReadOnlyList<NatsNode> Nodes => _nodes;

    public int Count { get; init; } = 2;

    /// <summary>Settings every node gets on top of the shared ones ({NATS} in a value becomes the server's URL).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Called with each node's index and host builder, for what settings cannot add.</summary>
    public Action<int, Microsoft.AspNetCore.Hosting.IWebHostBuilder>? WebHost { get; init; }

    public async Task InitializeAsync()
    {
        _nats = await NatsServer.StartAsync();
        for (var i = 0; i < Count; i++)
        {
            var extra = Settings.ToDictionary(s => s.Key, s => s.Value?.Replace("{NATS}", _nats.Url, StringComparison.Ordinal));
            var index = i;
            var node = new NatsNode(_nats.Url, _folder, i == 0 ? null : _nodes[0].BaseAddress, extra, host => WebHost?.Invoke(index, host));
            await node.InitializeAsync();
            _nodes.Add(node);
        }
    }

    /// <summary>A new user, signed in, with a client for every node (one token, from the first node).</summary>
    public Task<NodeChatter> NewChatterAsync(string name = "user") => SignInAsync($"{name}-{Guid.NewGuid().ToString("N")[..10]}");

    /// <summary>The user with exactly this username (an administrator named in the settings), signed in on every node.</summary>
    public async Task<NodeChatter> SignInAsync(string username)
    {
        var token = await _nodes[0].TokenForAsync(username);
        var perNode = new Chatter[_nodes.Count];
        for (var i = 0; i < _nodes.Count; i++)
        {
            var http = new HttpClient { BaseAddress = _nodes[i].BaseAddress };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            lock (_clients)
            {
                _clients.Add(http);
            }

            perNode[i] = i == 0 ? await Chatter.SignInAsync(http, username) : new Chatter(http, perNode[0].Id, username);
        }

        return new NodeChatter(perNode);
    }

    /// <summary>Stops a node as a deployment or a crash would; its open streams end.</summary>
    public async Task StopNodeAsync(int index)
    {
        if (_stopped.Add(index))
        {
            await _nodes[index].DisposeAsync();
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public async Task DisposeAsync()
    {
        lock (_clients)
        {
            _clients.ForEach(c => c.Dispose());
        }

        try
        {
            for (var i = _nodes.Count - 1; i >= 0; i--)
            {
                await StopNodeAsync(i);
            }
        }
        finally
        {
            // nats-server is killed even when a node fails to stop, so that no engine outlives the run.
            if (_nats is not null)
            {
                await _nats.DisposeAsync();
            }

            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }
}

/// <summary>One user with a client on each node: <c>On(1)</c> talks to the second node.</summary>
public sealed class NodeChatter(Chatter[] perNode)
{
    public Guid Id => perNode[0].Id;

    public Chatter On(int node) => perNode[node];
}

[CollectionDefinition(Name)]
public sealed class NatsNodesCollection : ICollectionFixture<NatsNodes>
{
    public const string Name = "nats-nodes";
}
