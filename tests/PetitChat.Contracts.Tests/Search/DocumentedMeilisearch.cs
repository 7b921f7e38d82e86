using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PetitChat.Testing;
using PetitChat.Testing.StandIns;

namespace PetitChat.Contracts.Tests.Search;

/// <summary>
/// A protocol-level stand-in for Meilisearch, which cannot run here: an HTTP listener on
/// 127.0.0.1 that checks every request against the shapes recorded from Meilisearch's API
/// reference (meilisearch-api-examples.json: method, path, headers, body parameters and their
/// JSON kinds, filter syntax) and answers with the documented response shapes. It keeps added
/// documents so that a search returns something, but its matching is naive (every query word
/// contained in the text, the last as a prefix) and it does not rank: relevance is tested
/// against a real Meilisearch when MEILISEARCH_URL is set.
/// </summary>
public sealed class DocumentedMeilisearch : LoopbackJsonServer
{
    private readonly JsonObject _shapes;
    private readonly string _apiKey;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonObject> _documents = new(StringComparer.Ordinal);
    private readonly HashSet<string> _indexes = new(StringComparer.Ordinal);
    private readonly Dictionary<long, FakeTask> _tasks = [];
    private long _nextTask;

    private DocumentedMeilisearch(int port, string apiKey)
        : base(port)
    {
        _apiKey = apiKey;
        _shapes = Shapes();
        Listen();
    }

    /// <summary>Every request received, in order, as "METHOD /path".</summary>
    public List<string> Calls { get; } = [];

    /// <summary>The JSON bodies received, by "METHOD /path".</summary>
    public List<(string Call, JsonNode? Body)> Bodies { get; } = [];

    /// <summary>Ways a request differed from the documented shapes; tests assert it stays empty.</summary>
    public List<string> Violations { get; } = [];

    /// <summary>How many polls of a task answer "processing" before it finishes.</summary>
    public int PollsBeforeDone { get; set; } = 1;

    /// <summary>When set, the next write task fails with this documented error body.</summary>
    public JsonObject? FailNextTask { get; set; }

    public static Task<DocumentedMeilisearch> StartAsync(string apiKey = "test-master-key", int? port = null) =>
        Task.FromResult(new DocumentedMeilisearch(port ?? LoopbackPort.Free(), apiKey));

    public static JsonObject Shapes() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Search", "meilisearch-api-examples.json")))!.AsObject();

    public JsonObject ErrorBody(string name) => _shapes["errors"]![name]!["body"]!.DeepClone().AsObject();

    public int DocumentCount
    {
        get
        {
            lock (_gate)
            {
                return _documents.Count;
            }
        }
    }

    protected override JsonNode Failed(string what)
    {
        Violation(what);
        return ErrorBody("internal");
    }

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        var call = $"{request.HttpMethod} {path}";
        JsonNode? body = null;
        if (request.HasEntityBody)
        {
            using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            try
            {
                body = JsonNode.Parse(text);
            }
            catch (JsonException e)
            {
                Violation($"{call}: the body is not JSON ({e.Message})");
            }

            if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            {
                Violation($"{call}: Content-Type is '{request.ContentType}', the reference says application/json");
            }
        }

        lock (_gate)
        {
            Calls.Add(call);
            Bodies.Add((call, body?.DeepClone()));
        }

        // Documented: "Authorization: Bearer <key>"; missing gives 401, wrong gives 403.
        var authorization = request.Headers["Authorization"];
        if (authorization is null)
        {
            await WriteAsync(context.Response, 401, ErrorBody("missingAuthorizationHeader"));
            return;
        }

        if (authorization != "Bearer " + _apiKey)
        {
            await WriteAsync(context.Response, 403, ErrorBody("invalidApiKey"));
            return;
        }

        var segments = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        switch (request.HttpMethod, segments)
        {
            case ("POST", ["indexes"]):
                CheckObject("createIndex", call, body);
                var uid = body?["uid"]?.GetValue<string>() ?? "";
                await EnqueueAsync(context.Response, "createIndex", uid, done: () =>
                {
                    lock (_gate)
                    {
                        return _indexes.Add(uid) ? null : ErrorBody("indexAlreadyExists");
                    }
                });
                return;
            case ("PATCH", ["indexes", var index, "settings"]):
                CheckObject("updateSettings", call, body);
                await EnqueueAsync(context.Response, "updateSettings", index, done: () => null);
                return;
            case ("POST", ["indexes", var index, "documents"]):
                if (request.QueryString["primaryKey"] is not "id")
                {
                    Violation($"{call}: expected ?primaryKey=id, got '{request.Url.Query}'");
                }

                var added = CheckArray(call, body);
                await EnqueueAsync(context.Response, "addDocuments", index, done: () =>
                {
                    lock (_gate)
                    {
                        foreach (var document in added.OfType<JsonObject>())
                        {
                            _documents[document["id"]!.GetValue<string>()] = (JsonObject)document.DeepClone();
                        }
                    }

                    return null;
                });
                return;
            case ("POST", ["indexes", var index, "documents", "delete-batch"]):
                var ids = CheckArray(call, body);
                await EnqueueAsync(context.Response, "deleteDocuments", index, done: () =>
                {
                    lock (_gate)
                    {
                        foreach (var id in ids)
                        {
                            _documents.Remove(id!.ToString());
                        }
                    }

                    return null;
                });
                return;
            case ("GET", ["tasks", var taskUid]):
                await WriteTaskAsync(context.Response, long.Parse(taskUid, CultureInfo.InvariantCulture));
                return;
            case ("POST", ["indexes", var index, "search"]):
                CheckObject("search", call, body);
                await WriteAsync(context.Response, 200, Search(call, body!.AsObject()));
                return;
            default:
                Violation($"{call}: not a route of the recorded API reference");
                await WriteAsync(context.Response, 404, ErrorBody("internal"));
                return;
        }
    }

    private async Task EnqueueAsync(HttpListenerResponse response, string shape, string index, Func<JsonObject?> done)
    {
        var answer = _shapes[shape]!["response"]!.DeepClone().AsObject();
        long uid;
        lock (_gate)
        {
            uid = _nextTask++;
            var failure = FailNextTask;
            FailNextTask = null;
            _tasks[uid] = new FakeTask(index, answer["type"]!.GetValue<string>(), failure is null ? done : () => failure);
        }

        answer["taskUid"] = uid;
        answer["indexUid"] = index;
        answer["enqueuedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        await WriteAsync(response, _shapes[shape]!["status"]!.GetValue<int>(), answer);
    }

    private async Task WriteTaskAsync(HttpListenerResponse response, long uid)
    {
        FakeTask? task;
        lock (_gate)
        {
            _tasks.TryGetValue(uid, out task);
        }

        if (task is null)
        {
            Violation($"GET /tasks/{uid}: no such task was enqueued");
            await WriteAsync(response, 404, ErrorBody("internal"));
            return;
        }

        var answer = _shapes["getTask"]!["response"]!.DeepClone().AsObject();
        answer["uid"] = uid;
        answer["indexUid"] = task.Index;
        answer["type"] = task.Type;
        lock (_gate)
        {
            if (task.Polls++ < PollsBeforeDone)
            {
                answer["status"] = "processing";
                answer["finishedAt"] = null;
                answer["duration"] = null;
            }
            else
            {
                if (!task.Finished)
                {
                    task.Error = task.Finish();
                    task.Finished = true;
                }

                answer["status"] = task.Error is null ? "succeeded" : "failed";
                answer["error"] = task.Error?.DeepClone();
            }
        }

        await WriteAsync(response, 200, answer);
    }

    private JsonObject Search(string call, JsonObject body)
    {
        var query = body["q"]?.GetValue<string>() ?? "";
        var filter = body["filter"]?.GetValue<string>() ?? "";
        var chatId = ParseEqualFilter(call, filter, "chatId");
        var pre = body["highlightPreTag"]?.GetValue<string>() ?? "<em>";
        var post = body["highlightPostTag"]?.GetValue<string>() ?? "</em>";
        var offset = body["offset"]?.GetValue<int>() ?? 0;
        var limit = body["limit"]?.GetValue<int>() ?? 20;
        var words = Words(query);
        List<JsonObject> matches;
        lock (_gate)
        {
            matches = [.. _documents.Values
                .Where(d => chatId is not null && d["chatId"]!.GetValue<string>() == chatId)
                .Where(d => Matches(Words(d["text"]!.GetValue<string>()), words))
                .OrderByDescending(d => d["id"]!.GetValue<string>(), StringComparer.Ordinal)];
        }

        var answer = _shapes["search"]!["response"]!.DeepClone().AsObject();
        var hits = new JsonArray();
        foreach (var document in matches.Skip(offset).Take(limit))
        {
            var hit = (JsonObject)document.DeepClone();
            // As documented: _formatted holds the attributes with the matched words in the tags.
            hit["_formatted"] = new JsonObject { ["text"] = Highlight(document["text"]!.GetValue<string>(), words, pre, post) };
            hits.Add(hit);
        }

        answer["hits"] = hits;
        answer["offset"] = offset;
        answer["limit"] = limit;
        answer["estimatedTotalHits"] = matches.Count;
        answer["query"] = query;
        return answer;
    }

    /// <summary>
    /// Reads <c>attribute = "value"</c> as the filter reference writes it (backslash escapes in a
    /// quoted value); anything else in the filter is a violation, and an injection attempt that
    /// closed the quotes would show up here as trailing text.
    /// </summary>
    private string? ParseEqualFilter(string call, string filter, string attribute)
    {
        var prefix = attribute + " = \"";
        if (!filter.StartsWith(prefix, StringComparison.Ordinal))
        {
            Violation($"{call}: filter '{filter}' is not {attribute} = \"…\"");
            return null;
        }

        var value = new StringBuilder();
        for (var i = prefix.Length; i < filter.Length; i++)
        {
            var c = filter[i];
            if (c == '\\' && i + 1 < filter.Length)
            {
                value.Append(filter[++i]);
            }
            else if (c == '"')
            {
                if (i != filter.Length - 1)
                {
                    Violation($"{call}: filter '{filter}' goes on after its value");
                }

                return value.ToString();
            }
            else
            {
                value.Append(c);
            }
        }

        Violation($"{call}: filter '{filter}' does not close its quotes");
        return null;
    }

    private void CheckObject(string shape, string call, JsonNode? body)
    {
        if (body is not JsonObject json)
        {
            Violation($"{call}: the reference documents a JSON object body");
            return;
        }

        var parameters = _shapes[shape]!["parameters"]!.AsObject();
        foreach (var (name, value) in json)
        {
            if (parameters[name] is not { } kind)
            {
                Violation($"{call}: '{name}' is not a documented parameter");
                continue;
            }

            if (!kind.GetValue<string>().Split('|').Contains(KindOf(value)))
            {
                Violation($"{call}: '{name}' is {KindOf(value)}, documented as {kind}");
            }
        }

        foreach (var required in _shapes[shape]!["required"]!.AsArray())
        {
            if (!json.ContainsKey(required!.GetValue<string>()))
            {
                Violation($"{call}: '{required}' is required");
            }
        }

        if (_shapes[shape]!["enums"] is JsonObject enums)
        {
            foreach (var (name, allowed) in enums)
            {
                if (json[name] is { } value && !allowed!.AsArray().Any(a => a!.GetValue<string>() == value.GetValue<string>()))
                {
                    Violation($"{call}: '{name}' = '{value}' is not one of {allowed.ToJsonString()}");
                }
            }
        }
    }

    private JsonArray CheckArray(string call, JsonNode? body)
    {
        if (body is not JsonArray array)
        {
            Violation($"{call}: the reference documents a JSON array body");
            return [];
        }

        foreach (var item in array)
        {
            var valid = call.EndsWith("delete-batch", StringComparison.Ordinal)
                ? KindOf(item) is "string" or "number"
                : item is JsonObject document && document["id"] is JsonValue id && KindOf(id) is "string" or "number";
            if (!valid)
            {
                Violation($"{call}: item {item?.ToJsonString()} is not a documented document or id");
            }
        }

        return array;
    }

    private static string KindOf(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "null",
    };

    private static List<string> Words(string text) =>
        [.. text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => new string([.. w.Where(char.IsLetterOrDigit)]).ToLowerInvariant())
            .Where(w => w.Length > 0)];

    private static bool Matches(List<string> text, List<string> query) =>
        query.Count > 0 && query.Select((word, i) => i == query.Count - 1
            ? text.Any(t => t.StartsWith(word, StringComparison.Ordinal))
            : text.Contains(word)).All(found => found);

    private static string Highlight(string text, List<string> query, string pre, string post) =>
        string.Join(' ', text.Split(' ').Select(piece =>
        {
            var word = new string([.. piece.Where(char.IsLetterOrDigit)]).ToLowerInvariant();
            return word.Length > 0 && query.Any(q => word.StartsWith(q, StringComparison.Ordinal)) ? pre + piece + post : piece;
        }));

    private void Violation(string what)
    {
        lock (_gate)
        {
            Violations.Add(what);
        }
    }

    private sealed class FakeTask(string index, string type, Func<JsonObject?> finish)
    {
        public string Index { get; } = index;

        public string Type { get; } = type;

        public Func<JsonObject?> Finish { get; } = finish;

        public int Polls { get; set; }

        public bool Finished { get; set; }

        public JsonObject? Error { get; set; }
    }
}
