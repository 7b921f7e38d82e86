using System.Net;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Storage;
using PetitChat.Infrastructure.Scylla;
using PetitChat.Testing;
using PetitChat.Testing.StandIns;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>
/// The retry rules of the Alternator client. dynalite never throttles nor fails, so these tests
/// answer at the protocol level with a fake engine on loopback that replies with DynamoDB's own
/// error documents, as a busy or failing Scylla node would.
/// </summary>
public sealed class AlternatorClientTests
{
    private static readonly Dictionary<string, AttributeValue> Key = new() { ["id"] = new AttributeValue { S = "x" } };

    [Fact]
    public async Task Throttling_from_a_fake_engine_is_retried_with_backoff_for_any_request()
    {
        await using var engine = FakeEngine.Start((400, "ThrottlingException"), (400, "ThrottlingException"), (200, null));
        using var client = ClientOf(engine);

        var response = await client.RunAsync((db, ct) => db.UpdateItemAsync(Update(), ct), idempotent: false, CancellationToken.None);

        Assert.NotNull(response);
        Assert.Equal(3, engine.Requests);
    }

    [Fact]
    public async Task A_500_from_a_fake_engine_is_retried_only_for_an_idempotent_request()
    {
        await using var engine = FakeEngine.Start((500, "InternalServerError"), (200, null), (500, "InternalServerError"), (200, null));
        using var client = ClientOf(engine);

        var read = await client.RunAsync((db, ct) => db.GetItemAsync(new GetItemRequest { TableName = "t", Key = Key }, ct), idempotent: true, CancellationToken.None);
        Assert.Equal(2, engine.Requests);

        // An ADD whose outcome is unknown is not repeated: it might count twice.
        await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            client.RunAsync((db, ct) => db.UpdateItemAsync(Update(), ct), idempotent: false, CancellationToken.None));
        Assert.Equal(3, engine.Requests);
        Assert.NotNull(read);
    }

    [Fact]
    public async Task A_fake_engine_that_stays_busy_gives_StoreUnavailableException_after_the_attempts()
    {
        await using var engine = FakeEngine.Start(Enumerable.Repeat<(int, string?)>((503, "ServiceUnavailable"), 10).ToArray());
        using var client = ClientOf(engine);

        await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            client.RunAsync((db, ct) => db.GetItemAsync(new GetItemRequest { TableName = "t", Key = Key }, ct), idempotent: true, CancellationToken.None));
        Assert.Equal(3, engine.Requests);
    }

    [Fact]
    public async Task Engine_errors_that_retrying_cannot_fix_reach_the_caller_as_they_are()
    {
        await using var engine = FakeEngine.Start((400, "ConditionalCheckFailedException"));
        using var client = ClientOf(engine);

        await Assert.ThrowsAsync<ConditionalCheckFailedException>(() =>
            client.RunAsync((db, ct) => db.UpdateItemAsync(Update(), ct), idempotent: true, CancellationToken.None));
        Assert.Equal(1, engine.Requests);
    }

    private static UpdateItemRequest Update() => new()
    {
        TableName = "t",
        Key = Key,
        UpdateExpression = "ADD n :one",
        ExpressionAttributeValues = new() { [":one"] = new AttributeValue { N = "1" } },
    };

    private static AlternatorClient ClientOf(FakeEngine engine) => new(new ScyllaStoreOptions
    {
        Endpoints = [engine.Endpoint],
        MaxAttempts = 3,
        RetryBackoff = TimeSpan.FromMilliseconds(5),
    }, TimeProvider.System);

    /// <summary>Answers each request with the next scripted status and DynamoDB error type (or "{}").</summary>
    private sealed class FakeEngine : LoopbackJsonServer
    {
        private readonly Queue<(int Status, string? Error)> _script;
        private int _requests;

        private FakeEngine((int, string?)[] script)
            : base(LoopbackPort.Free())
        {
            _script = new Queue<(int, string?)>(script);
            Listen();
        }

        /// <summary>The endpoint as the client's options take it: scheme, host and port, no path.</summary>
        public string Endpoint => $"http://127.0.0.1:{Port}";

        public int Requests => Volatile.Read(ref _requests);

        public static FakeEngine Start(params (int, string?)[] script) => new(script);

        protected override async Task HandleAsync(HttpListenerContext context)
        {
            await context.Request.InputStream.CopyToAsync(Stream.Null);
            Interlocked.Increment(ref _requests);
            var (status, error) = _script.Count > 0 ? _script.Dequeue() : (200, null);
            JsonNode body = error is null
                ? new JsonObject()
                : new JsonObject { ["__type"] = $"com.amazonaws.dynamodb.v20120810#{error}", ["message"] = "scripted" };
            context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            await WriteAsync(context.Response, status, body, "application/x-amz-json-1.0");
        }

        /// <summary>A failure of the fake itself reaches the client as a 500 with this body, and fails the test there.</summary>
        protected override JsonNode Failed(string what) => new JsonObject { ["__type"] = "com.amazonaws.dynamodb.v20120810#InternalServerError", ["message"] = what };
    }
}
