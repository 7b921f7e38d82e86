using System.Text.Json;

namespace PetitChat.Testing;

/// <summary>An operation of the OpenAPI document: method, path template, query parameters, body properties.</summary>
public sealed record FuzzOperation(string Method, string Path, string[] Query, bool HasBody, bool Multipart, IReadOnlyList<(string Name, string Type)> BodyProperties)
{
    public static IReadOnlyList<FuzzOperation> From(JsonDocument openApi)
    {
        var root = openApi.RootElement;
        var operations = new List<FuzzOperation>();
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Name is not ("get" or "post" or "put" or "delete" or "patch"))
                {
                    continue;
                }

                var query = operation.Value.TryGetProperty("parameters", out var parameters)
                    ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToArray()
                    : [];
                var hasBody = operation.Value.TryGetProperty("requestBody", out var body);
                var multipart = hasBody && body.GetProperty("content").TryGetProperty("multipart/form-data", out _);
                var properties = new List<(string, string)>();
                if (hasBody && body.GetProperty("content").TryGetProperty("application/json", out var json) && json.TryGetProperty("schema", out var schema))
                {
                    schema = Resolve(root, schema);
                    if (schema.TryGetProperty("properties", out var props))
                    {
                        foreach (var property in props.EnumerateObject())
                        {
                            properties.Add((property.Name, TypeOf(Resolve(root, property.Value))));
                        }
                    }
                }

                operations.Add(new FuzzOperation(operation.Name.ToUpperInvariant(), path.Name, query, hasBody || operation.Name is "post" or "put", multipart, properties));
            }
        }

        return operations;
    }

    private static JsonElement Resolve(JsonElement root, JsonElement schema)
    {
        for (var i = 0; i < 5 && schema.TryGetProperty("$ref", out var reference); i++)
        {
            var target = root;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
            {
                if (!target.TryGetProperty(part, out target))
                {
                    return schema;
                }
            }

            schema = target;
        }

        return schema;
    }

    private static string TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return "string";
        }

        // OpenAPI 3.1: a type may be a list, as ["string", "null"].
        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()!).FirstOrDefault(t => t != "null") ?? "string"
            : type.GetString() ?? "string";
    }
}
