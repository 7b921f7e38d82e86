using System.Text.Json.Nodes;
using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Elasticsearch;

/// <summary>
/// The JSON bodies this adapter sends to Elasticsearch, built as JSON values (never by pasting
/// text), so a user's words are always a string in a <c>match_bool_prefix</c> query and nothing
/// they type can add a clause. References:
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/indices-create-index.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/search-search.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/query-dsl-match-bool-prefix-query.html.
/// </summary>
public static class ElasticsearchQuery
{
    /// <summary>The analyzer of <c>text</c>: CJK text is cut in bigrams (decision 0012), the rest folded to lower-case ASCII.</summary>
    public const string Analyzer = "petitchat_text";

    /// <summary>The body of <c>PUT /{index}</c>: shards, the CJK-aware analyzer and the mappings.</summary>
    /// <summary>
    /// The composable index template (<c>PUT _index_template/…</c>) that gives an index named
    /// <paramref name="index"/> the settings and mappings of <see cref="CreateIndex"/>: an index made
    /// by hand, by a reindex into a new name with the same pattern, or by an operator after a
    /// delete gets the CJK analyzer and the required routing too, not Elasticsearch's dynamic defaults.
    /// </summary>
    public static JsonObject IndexTemplate(string index, int shards, int replicas) => new()
    {
        ["index_patterns"] = new JsonArray(index),
        // Above the built-in templates (priority 100 and below) so that ours wins on an overlap.
        ["priority"] = 200,
        ["template"] = CreateIndex(shards, replicas),
        ["_meta"] = new JsonObject { ["managed_by"] = "petitchat", ["description"] = "Petit chat messages: CJK bigrams, routed by chat" },
    };

    /// <summary>The settings (analysis with CJK bigrams) and mappings (strict, routing required) of the index of messages.</summary>
    public static JsonObject CreateIndex(int shards, int replicas) => new()
    {
        ["settings"] = new JsonObject
        {
            ["number_of_shards"] = shards,
            ["number_of_replicas"] = replicas,
            ["analysis"] = new JsonObject
            {
                ["filter"] = new JsonObject
                {
                    // Unigrams too, so that a one-character CJK word is found as well.
                    ["petitchat_cjk_bigram"] = new JsonObject { ["type"] = "cjk_bigram", ["output_unigrams"] = true },
                },
                ["analyzer"] = new JsonObject
                {
                    [Analyzer] = new JsonObject
                    {
                        ["type"] = "custom",
                        ["tokenizer"] = "standard",
                        ["filter"] = new JsonArray("cjk_width", "lowercase", "asciifolding", "petitchat_cjk_bigram"),
                    },
                },
            },
        },
        ["mappings"] = new JsonObject
        {
            // Every document carries its chat as routing: an index call without it is refused.
            ["_routing"] = new JsonObject { ["required"] = true },
            ["dynamic"] = "strict",
            ["properties"] = new JsonObject
            {
                ["id"] = new JsonObject { ["type"] = "keyword" },
                ["chatId"] = new JsonObject { ["type"] = "keyword" },
                ["senderId"] = new JsonObject { ["type"] = "keyword" },
                ["createdAt"] = new JsonObject { ["type"] = "date" },
                ["hasFile"] = new JsonObject { ["type"] = "boolean" },
                ["text"] = new JsonObject { ["type"] = "text", ["analyzer"] = Analyzer },
            },
        },
    };

    /// <summary>The words as one string for <c>match_bool_prefix</c>; empty when there is nothing to match.</summary>
    public static string Words(IReadOnlyList<string> words) =>
        string.Join(' ', words.Select(w => w.Trim()).Where(w => w.Length > 0));

    /// <summary>A search of one chat (its routing is sent with the call, so one shard answers).</summary>
    public static JsonObject InChat(Guid chatId, string words, int offset, int limit, int snippetChars)
    {
        var filters = new JsonArray(Term("chatId", chatId.ToString("D")));
        return Search(words, filters, SearchSort.Best, offset, limit, snippetChars);
    }

    /// <summary>
    /// A search over the caller's chats: a <c>terms</c> filter on their ids (membership read at
    /// query time by the caller) and the filters that are set.
    /// </summary>
    public static JsonObject Global(GlobalSearchQuery query, string words, int snippetChars)
    {
        var filters = new JsonArray(new JsonObject
        {
            ["terms"] = new JsonObject { ["chatId"] = new JsonArray([.. query.ChatIds.Select(id => (JsonNode)JsonValue.Create(id.ToString("D")))]) },
        });
        var f = query.Filters;
        if (f.SenderId is { } sender)
        {
            filters.Add(Term("senderId", sender.ToString("D")));
        }

        if (f.After is not null || f.Before is not null)
        {
            var range = new JsonObject { ["format"] = "epoch_millis" };
            if (f.After is { } after)
            {
                range["gte"] = after.ToUnixTimeMilliseconds();
            }

            if (f.Before is { } before)
            {
                range["lt"] = before.ToUnixTimeMilliseconds();
            }

            filters.Add(new JsonObject { ["range"] = new JsonObject { ["createdAt"] = range } });
        }

        if (f.HasFile)
        {
            filters.Add(Term("hasFile", true));
        }

        return Search(words, filters, words.Length == 0 ? SearchSort.Newest : query.Sort, query.Offset, query.Limit, snippetChars);
    }

    private static JsonObject Search(string words, JsonArray filters, SearchSort sort, int offset, int limit, int snippetChars)
    {
        var boolQuery = new JsonObject { ["filter"] = filters };
        if (words.Length > 0)
        {
            // Every word must match, the last also as a prefix, as in the FTS5 adapter.
            boolQuery["must"] = new JsonArray(new JsonObject
            {
                ["match_bool_prefix"] = new JsonObject
                {
                    ["text"] = new JsonObject { ["query"] = words, ["operator"] = "and" },
                },
            });
        }

        var order = new JsonArray();
        if (sort == SearchSort.Best)
        {
            order.Add(new JsonObject { ["_score"] = "desc" });
        }

        order.Add(new JsonObject { ["createdAt"] = "desc" });
        order.Add(new JsonObject { ["id"] = "desc" });
        return new JsonObject
        {
            ["from"] = offset,
            ["size"] = limit,
            ["track_total_hits"] = false,
            ["query"] = new JsonObject { ["bool"] = boolQuery },
            ["sort"] = order,
            ["_source"] = new JsonArray("id", "chatId", "senderId", "createdAt", "text"),
            ["highlight"] = new JsonObject
            {
                ["pre_tags"] = new JsonArray(SearchHighlight.Start),
                ["post_tags"] = new JsonArray(SearchHighlight.End),
                ["fields"] = new JsonObject
                {
                    ["text"] = new JsonObject
                    {
                        ["fragment_size"] = snippetChars,
                        ["number_of_fragments"] = 1,
                        ["no_match_size"] = snippetChars,
                    },
                },
            },
        };
    }

    private static JsonObject Term(string field, JsonNode value) =>
        new() { ["term"] = new JsonObject { [field] = value } };
}
