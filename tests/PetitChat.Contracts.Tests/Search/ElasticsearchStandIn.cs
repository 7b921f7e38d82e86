using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PetitChat.Testing;
using PetitChat.Testing.StandIns;

namespace PetitChat.Contracts.Tests.Search;

/// <summary>
/// A protocol-level stand-in for Elasticsearch, which cannot run here: an HTTP listener on
/// 127.0.0.1 that records every request, checks the shapes the REST API documents (NDJSON bulk
/// bodies with one action line per document, routing on every index action, JSON bodies) and
/// answers with the documented response shapes. It is not a search engine: a search answers
/// what the test put in <see cref="SearchAnswer"/>. Relevance, analysis and filtering are tested
/// against a real Elasticsearch when ELASTICSEARCH_URL is set (<see cref="ElasticsearchSearchIndexTests"/>).
/// Response shapes are taken from:
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/indices-create-index.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/indices-put-template.html (composable templates),
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/docs-bulk.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/docs-delete-by-query.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/search-search.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/common-options.html (error bodies).
/// </summary>
public sealed class ElasticsearchStandIn : LoopbackJsonServer
{
    private readonly Lock _gate = new();

    private ElasticsearchStandIn(int port)
        : base(port)
    {
        Listen();
    }

    /// <summary>Every request received, in order.</summary>
    public List<Received> Requests { get; } = [];

    /// <summary>Ways a request differed from the documented shapes; tests assert it stays empty.</summary>
    public List<string> Violations { get; } = [];

    /// <summary>What the next searches answer (the documented search response), when set.</summary>
    public JsonObject? SearchAnswer { get; set; }

    /// <summary>Index templates put so far, by name (the <c>PUT _index_template/name</c> body).</summary>
    public Dictionary<string, JsonObject> Templates { get; } = [];

    /// <summary>Indexes that exist already: creating one answers <c>resource_already_exists_exception</c>.</summary>
    public HashSet<string> ExistingIndexes { get; } = [];

    /// <summary>When set, the next requests answer with this status and body instead (then it is cleared).</summary>
    public (int Status, JsonObject Body)? FailNext { get; set; }

    /// <summary>When set, bulk items with this id answer with this documented item error.</summary>
    public (string Id, int Status, JsonObject Error)? FailItem { get; set; }

    public static ElasticsearchStandIn Start() => new(LoopbackPort.Free());

    /// <summary>The documented error body: <c>{"error":{"root_cause":[…],"type","reason"},"status"}</c>.</summary>
    public static JsonObject Error(string type, string reason, int status) => new()
    {
        ["error"] = new JsonObject
        {
            ["root_cause"] = new JsonArray(new JsonObject { ["type"] = type, ["reason"] = reason }),
            ["type"] = type,
            ["reason"] = reason,
        },
        ["status"] = status,
    };

    /// <summary>One hit as the search API documents it: <c>_index</c>, <c>_id</c>, <c>_score</c>, <c>_routing</c>, <c>_source</c>, <c>highlight</c>, <c>sort</c>.</summary>
    public static JsonObject Hit(string index, JsonObject source, string? highlight) => new()
    {
        ["_index"] = index,
        ["_id"] = source["id"]!.GetValue<string>(),
        ["_score"] = 1.3862942,
        ["_routing"] = source["chatId"]!.GetValue<string>(),
        ["_source"] = source,
        ["highlight"] = highlight is null ? null : new JsonObject { ["text"] = new JsonArray(highlight) },
        ["sort"] = new JsonArray(1.3862942, 1764500000000),
    };

    public static JsonObject SearchResponse(params JsonObject[] hits) => new()
    {
        ["took"] = 5,
        ["timed_out"] = false,
        ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["skipped"] = 0, ["failed"] = 0 },
        ["hits"] = new JsonObject
        {
            ["total"] = new JsonObject { ["value"] = hits.Length, ["relation"] = "eq" },
            ["max_score"] = hits.Length == 0 ? null : 1.3862942,
            ["hits"] = new JsonArray([.. hits]),
        },
    };

    public Received Last(string method, string pathEnd)
    {
        lock (_gate)
        {
            return Requests.Last(r => r.Method == method && r.Path.EndsWith(pathEnd, StringComparison.Ordinal));
        }
    }

    protected override JsonNode Failed(string what)
    {
        Violation(what);
        return Error("stand_in_failure", what, 500);
    }

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        var received = new Received(
            request.HttpMethod, request.Url!.AbsolutePath, request.QueryString.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => request.QueryString[k]!, StringComparer.Ordinal),
            request.ContentType, request.Headers["Authorization"], body);
        lock (_gate)
        {
            Requests.Add(received);
        }

        if (FailNext is { } fail)
        {
            FailNext = null;
            await WriteAsync(context.Response, fail.Status, fail.Body);
            return;
        }

        var segments = received.Path.Trim('/').Split('/');
        switch (received.Method, segments)
        {
            case ("PUT", ["_index_template", var name]):
                RequireJson(received);
                if (JsonNode.Parse(received.Body) is not JsonObject template || template["index_patterns"] is not JsonArray { Count: > 0 })
                {
                    Violation($"PUT {received.Path}: a composable template needs index_patterns");
                    await WriteAsync(context.Response, 400, Error("action_request_validation_exception", "index patterns are missing", 400));
                    break;
                }

                lock (_gate)
                {
                    Templates[name] = template;
                }

                await WriteAsync(context.Response, 200, new JsonObject { ["acknowledged"] = true });
                break;
            case ("PUT", [var index]):
                RequireJson(received);
                bool matched;
                lock (_gate)
                {
                    // Exact names only: the adapter's template names its index, without wildcards.
                    matched = Templates.Values.Any(t => t["index_patterns"]!.AsArray().Any(p => p?.GetValue<string>() == index));
                }

                if (!matched)
                {
                    Violation($"PUT /{index} before an index template matches it: it would get dynamic mappings");
                }

                if (ExistingIndexes.Contains(index))
                {
                    await WriteAsync(context.Response, 400, Error("resource_already_exists_exception", $"index [{index}/abc] already exists", 400));
                    break;
                }

                await WriteAsync(context.Response, 200, new JsonObject { ["acknowledged"] = true, ["shards_acknowledged"] = true, ["index"] = index });
                break;
            case ("POST", [var index, "_bulk"]):
                await WriteAsync(context.Response, 200, Bulk(index, received));
                break;
            case ("POST", [_, "_delete_by_query"]):
                RequireJson(received);
                var ids = JsonNode.Parse(received.Body)?["query"]?["ids"]?["values"]?.AsArray().Count ?? 0;
                await WriteAsync(context.Response, 200, new JsonObject
                {
                    ["took"] = 147,
                    ["timed_out"] = false,
                    ["total"] = ids,
                    ["deleted"] = ids,
                    ["batches"] = 1,
                    ["version_conflicts"] = 0,
                    ["noops"] = 0,
                    ["retries"] = new JsonObject { ["bulk"] = 0, ["search"] = 0 },
                    ["throttled_millis"] = 0,
                    ["requests_per_second"] = -1.0,
                    ["throttled_until_millis"] = 0,
                    ["failures"] = new JsonArray(),
                });
                break;
            case ("POST", [_, "_search"]):
                RequireJson(received);
                await WriteAsync(context.Response, 200, SearchAnswer?.DeepClone().AsObject() ?? SearchResponse());
                break;
            default:
                Violation($"{received.Method} {received.Path} is not a call the adapter should make");
                await WriteAsync(context.Response, 404, Error("stand_in_unknown_call", received.Path, 404));
                break;
        }
    }

    /// <summary>Checks the NDJSON body (docs-bulk.html) and answers one documented item per action.</summary>
    private JsonObject Bulk(string index, Received received)
    {
        if (received.ContentType?.StartsWith("application/x-ndjson", StringComparison.Ordinal) != true)
        {
            Violation($"a bulk body must be sent as application/x-ndjson, not {received.ContentType}");
        }

        if (!received.Body.EndsWith('\n'))
        {
            Violation("a bulk body must end with a newline");
        }

        var lines = received.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var items = new JsonArray();
        var errors = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var action = JsonNode.Parse(lines[i])!.AsObject();
            if (action.Count != 1)
            {
                Violation($"a bulk action line has one key, not {action.Count}: {lines[i]}");
                continue;
            }

            var (name, meta) = action.First();
            var id = meta?["_id"]?.GetValue<string>();
            if (id is null)
            {
                Violation($"bulk action without _id: {lines[i]}");
            }

            if (name == "index")
            {
                i++;
                var source = i < lines.Length ? JsonNode.Parse(lines[i]) : null;
                if (source is null)
                {
                    Violation($"an index action has no source line: {lines[i - 1]}");
                }
                else if (meta?["routing"]?.GetValue<string>() is not { } routing || routing != source["chatId"]?.GetValue<string>())
                {
                    Violation($"an index action must be routed by the document's chat id: {lines[i - 1]}");
                }
            }
            else if (name != "delete")
            {
                Violation($"unexpected bulk action '{name}'");
            }

            JsonObject result;
            if (FailItem is { } failed && failed.Id == id)
            {
                errors = true;
                result = new JsonObject { ["_index"] = index, ["_id"] = id, ["status"] = failed.Status, ["error"] = failed.Error.DeepClone() };
            }
            else
            {
                result = new JsonObject
                {
                    ["_index"] = index,
                    ["_id"] = id,
                    ["_version"] = 1,
                    ["result"] = name == "index" ? "created" : "deleted",
                    ["_shards"] = new JsonObject { ["total"] = 2, ["successful"] = 1, ["failed"] = 0 },
                    ["status"] = name == "index" ? 201 : 200,
                    ["_seq_no"] = 0,
                    ["_primary_term"] = 1,
                };
            }

            items.Add(new JsonObject { [name] = result });
        }

        return new JsonObject { ["took"] = 30, ["errors"] = errors, ["items"] = items };
    }

    private void RequireJson(Received received)
    {
        if (received.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            Violation($"{received.Method} {received.Path} must send application/json, not {received.ContentType}");
        }

        try
        {
            _ = JsonNode.Parse(received.Body);
        }
        catch (JsonException e)
        {
            Violation($"{received.Method} {received.Path} sent a body that is not JSON: {e.Message}");
        }
    }

    private void Violation(string text)
    {
        lock (_gate)
        {
            Violations.Add(text);
        }
    }

    /// <summary>One request as received: method, path, query parameters, content type, Authorization header and body.</summary>
    public sealed record Received(string Method, string Path, Dictionary<string, string> Query, string? ContentType, string? Authorization, string Body)
    {
        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

        public string[] Lines => Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
