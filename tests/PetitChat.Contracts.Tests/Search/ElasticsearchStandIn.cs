using System.IO.Compression;
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
/// bodies with one action line per document, routing on every index and delete action, JSON
/// bodies) and answers with the documented response shapes, with the <c>X-Elastic-Product:
/// Elasticsearch</c> header that the official client checks on every answer before it reads one. It is not a search engine: a search answers
/// what the test put in <see cref="SearchAnswer"/>. Relevance, analysis and filtering are tested
/// against a real Elasticsearch when ELASTICSEARCH_URL is set (<see cref="ElasticsearchSearchIndexTests"/>).
/// Response shapes are taken from:
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/indices-create-index.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/indices-put-template.html (composable templates;
/// <c>index_patterns</c> is <c>Indices</c>, one name or an array, in
/// https://github.com/elastic/elasticsearch-specification/blob/main/specification/indices/put_index_template/IndicesPutIndexTemplateRequest.ts),
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/docs-bulk.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/search-search.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/common-options.html (error bodies),
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/rest-api-compatibility.html
/// (the <c>application/vnd.elasticsearch+json; compatible-with=9</c> media types the client sends),
/// https://www.elastic.co/guide/en/elasticsearch/client/net-api/current/connecting.html and
/// https://github.com/elastic/elastic-transport-net (the product check on <c>X-Elastic-Product</c>).
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

    /// <summary>When set, requests wait for it before they are answered (the test completes it before disposing).</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>When set, the next requests answer with this status and body instead (then it is cleared).</summary>
    public (int Status, JsonObject Body)? FailNext { get; set; }

    /// <summary>Ids of documents that are not in the index: a bulk delete of one answers <c>not_found</c> (404, no error).</summary>
    public HashSet<string> NotFound { get; } = [];

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

    /// <summary>The <c>index_patterns</c> of a composable template, given as one string or an array.</summary>
    public static string[] Patterns(JsonObject template) => template["index_patterns"] switch
    {
        JsonArray patterns => [.. patterns.Select(p => p!.GetValue<string>())],
        JsonValue pattern when pattern.GetValueKind() == JsonValueKind.String => [pattern.GetValue<string>()],
        _ => [],
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
        // Every answer of Elasticsearch 7.14 and later carries it; the client refuses one without it.
        context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
        var request = context.Request;
        string body;
        // The client compresses its bodies (Content-Encoding: gzip), which Elasticsearch accepts.
        Stream input = request.Headers["Content-Encoding"] == "gzip"
            ? new GZipStream(request.InputStream, CompressionMode.Decompress)
            : request.InputStream;
        using (var reader = new StreamReader(input, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        var received = new Received(
            request.HttpMethod, request.Url!.AbsolutePath, request.QueryString.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => request.QueryString[k]!, StringComparer.Ordinal),
            request.ContentType, request.Headers["Accept"], request.Headers["Authorization"], body);
        lock (_gate)
        {
            Requests.Add(received);
        }

        if (Hold is { } hold)
        {
            await hold.Task;
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
                // index_patterns is a string or an array of strings (Indices in the API specification).
                if (JsonNode.Parse(received.Body) is not JsonObject template || Patterns(template).Length == 0)
                {
                    Violation($"PUT {received.Path}: a composable template needs index_patterns: {received.Body}");
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
                if (received.Body.Length > 0)
                {
                    RequireJson(received);
                }

                bool matched;
                lock (_gate)
                {
                    // Exact names only: the adapter's template names its index, without wildcards.
                    matched = Templates.Values.Any(t => Patterns(t).Contains(index));
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
        if (!IsMediaType(received.ContentType, "x-ndjson"))
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
            else if (meta?["routing"] is null)
            {
                // The mappings require routing: a delete without it is refused by Elasticsearch.
                Violation($"a delete action must carry the document's routing: {lines[i]}");
            }

            JsonObject result;
            if (FailItem is { } failed && failed.Id == id)
            {
                errors = true;
                result = new JsonObject { ["_index"] = index, ["_id"] = id, ["status"] = failed.Status, ["error"] = failed.Error.DeepClone() };
            }
            else if (name == "delete" && id is not null && NotFound.Contains(id))
            {
                result = new JsonObject
                {
                    ["_index"] = index,
                    ["_id"] = id,
                    ["_version"] = 1,
                    ["result"] = "not_found",
                    ["_shards"] = new JsonObject { ["total"] = 2, ["successful"] = 1, ["failed"] = 0 },
                    ["status"] = 404,
                    ["_seq_no"] = 0,
                    ["_primary_term"] = 1,
                };
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
        if (!IsMediaType(received.ContentType, "json"))
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

    /// <summary>
    /// <c>application/{format}</c>, or its versioned form <c>application/vnd.elasticsearch+{format};
    /// compatible-with=N</c> (rest-api-compatibility.html), which the 9.x client sends.
    /// </summary>
    private static bool IsMediaType(string? contentType, string format) =>
        contentType is not null
        && (contentType.StartsWith("application/" + format, StringComparison.Ordinal)
            || (contentType.StartsWith("application/vnd.elasticsearch+" + format, StringComparison.Ordinal)
                && contentType.Contains("compatible-with=", StringComparison.Ordinal)));

    private void Violation(string text)
    {
        lock (_gate)
        {
            Violations.Add(text);
        }
    }

    /// <summary>One request as received: method, path, query parameters, content type, Accept and Authorization headers, and body.</summary>
    public sealed record Received(
        string Method, string Path, Dictionary<string, string> Query, string? ContentType, string? Accept, string? Authorization, string Body)
    {
        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

        public string[] Lines => Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
