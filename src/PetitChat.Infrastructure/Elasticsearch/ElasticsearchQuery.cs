using System.Globalization;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Analysis;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;
using Elastic.Clients.Elasticsearch.QueryDsl;
using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Elasticsearch;

/// <summary>
/// The requests this adapter sends, as the client's typed requests, so a user's words are always
/// a string in a <c>match_bool_prefix</c> query and nothing they type can add a clause. References:
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/indices-put-template.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/search-search.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/query-dsl-match-bool-prefix-query.html.
/// </summary>
public static class ElasticsearchQuery
{
    /// <summary>The analyzer of <c>text</c>: CJK text is cut in bigrams (decision 0012), the rest folded to lower-case ASCII.</summary>
    public const string Analyzer = "petitchat_text";

    private const string CjkBigram = "petitchat_cjk_bigram";

    private static readonly string[] SourceFields = ["id", "chatId", "senderId", "createdAt", "text"];

    /// <summary>
    /// The composable index template (<c>PUT _index_template/{index}-template</c>) that gives an
    /// index named <paramref name="index"/> the CJK analyzer, strict mappings and required routing:
    /// an index made by hand, or recreated by anything after a delete, gets them too, not
    /// Elasticsearch's dynamic defaults.
    /// </summary>
    public static PutIndexTemplateRequest IndexTemplate(string index, int shards, int replicas) => new(index + "-template")
    {
        IndexPatterns = index,
        // Above the built-in templates (priority 100 and below) so that ours wins on an overlap.
        Priority = 200,
        Template = new IndexTemplateMapping { Settings = Settings(shards, replicas), Mappings = Mappings() },
        Meta = new Dictionary<string, object>
        {
            ["managed_by"] = "petitchat",
            ["description"] = "Petit chat messages: CJK bigrams, routed by chat",
        },
    };

    /// <summary>Shards, replicas and the analysis: CJK bigrams, with unigrams so that a one-character CJK word is found too.</summary>
    private static IndexSettings Settings(int shards, int replicas) => new()
    {
        NumberOfShards = shards,
        NumberOfReplicas = replicas,
        Analysis = new IndexSettingsAnalysis
        {
            TokenFilters = new TokenFilters { { CjkBigram, new CjkBigramTokenFilter { OutputUnigrams = true } } },
            Analyzers = new Analyzers
            {
                { Analyzer, new CustomAnalyzer { Tokenizer = "standard", Filter = ["cjk_width", "lowercase", "asciifolding", CjkBigram] } },
            },
        },
    };

    /// <summary>Strict mappings; every document carries its chat as routing: an index call without it is refused.</summary>
    private static TypeMapping Mappings() => new()
    {
        Routing = new RoutingField { Required = true },
        Dynamic = DynamicMapping.Strict,
        Properties = new Properties
        {
            { "id", new KeywordProperty() },
            { "chatId", new KeywordProperty() },
            { "senderId", new KeywordProperty() },
            { "createdAt", new DateProperty() },
            { "hasFile", new BooleanProperty() },
            { "text", new TextProperty { Analyzer = Analyzer } },
        },
    };

    /// <summary>The words as one string for <c>match_bool_prefix</c>; empty when there is nothing to match.</summary>
    public static string Words(IReadOnlyList<string> words) =>
        string.Join(' ', words.Select(w => w.Trim()).Where(w => w.Length > 0));

    /// <summary>A search of one chat, sent with the chat's routing so that one shard answers.</summary>
    public static SearchRequest InChat(string index, Guid chatId, string words, int offset, int limit, int snippetChars)
    {
        var chat = chatId.ToString("D");
        var request = Search(index, words, [new TermQuery("chatId", chat)], SearchSort.Best, offset, limit, snippetChars);
        request.Routing = chat;
        return request;
    }

    /// <summary>
    /// A search over the caller's chats: a <c>terms</c> filter on their ids (membership read at
    /// query time by the caller) and the filters that are set; every shard answers.
    /// </summary>
    public static SearchRequest Global(string index, GlobalSearchQuery query, string words, int snippetChars)
    {
        var chats = query.ChatIds.Select(id => FieldValue.String(id.ToString("D"))).ToArray();
        List<Query> filters = [new TermsQuery("chatId", chats)];
        var f = query.Filters;
        if (f.SenderId is { } sender)
        {
            filters.Add(new TermQuery("senderId", sender.ToString("D")));
        }

        if (f.After is not null || f.Before is not null)
        {
            filters.Add(new DateRangeQuery("createdAt")
            {
                Format = "epoch_millis",
                Gte = f.After is { } after ? EpochMillis(after) : null,
                Lt = f.Before is { } before ? EpochMillis(before) : null,
            });
        }

        if (f.HasFile)
        {
            filters.Add(new TermQuery("hasFile", true));
        }

        return Search(index, words, filters, words.Length == 0 ? SearchSort.Newest : query.Sort, query.Offset, query.Limit, snippetChars);
    }

    private static DateMath EpochMillis(DateTimeOffset at) =>
        DateMath.FromString(at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

    private static SearchRequest Search(string index, string words, ICollection<Query> filters, SearchSort sort, int offset, int limit, int snippetChars)
    {
        var match = new BoolQuery { Filter = filters };
        if (words.Length > 0)
        {
            // Every word must match, the last also as a prefix, as in the FTS5 adapter.
            match.Must = [new MatchBoolPrefixQuery("text", words) { Operator = Operator.And }];
        }

        List<SortOptions> order = [];
        if (sort == SearchSort.Best)
        {
            order.Add(new SortOptions { Score = new ScoreSort { Order = SortOrder.Desc } });
        }

        order.Add(new FieldSort("createdAt") { Order = SortOrder.Desc });
        order.Add(new FieldSort("id") { Order = SortOrder.Desc });
        return new SearchRequest(index)
        {
            From = offset,
            Size = limit,
            TrackTotalHits = false,
            Query = match,
            Sort = order,
            Source = new SourceFilter { Includes = SourceFields },
            Highlight = new Highlight
            {
                PreTags = [SearchHighlight.Start],
                PostTags = [SearchHighlight.End],
                Fields = [new KeyValuePair<Field, HighlightField>("text", new HighlightField
                {
                    FragmentSize = snippetChars,
                    NumberOfFragments = 1,
                    NoMatchSize = snippetChars,
                })],
            },
        };
    }
}
