using Elastic.Clients.Elasticsearch;
using PetitChat.Core.Search;
using PetitChat.Infrastructure.Elasticsearch;

namespace PetitChat.Contracts.Tests.Search;

/// <summary>
/// The search contract on a real Elasticsearch 8.x/9.x, when <c>ELASTICSEARCH_URL</c> (and
/// <c>ELASTICSEARCH_API_KEY</c>, or <c>ELASTICSEARCH_USER</c>/<c>ELASTICSEARCH_PASSWORD</c>) is
/// set; skipped otherwise, as no Elasticsearch can run on the CI machine. Each test class
/// instance uses its own index, deleted afterwards.
/// </summary>
public sealed class ElasticsearchSearchIndexTests : SearchIndexContract
{
    public const string SkipReason =
        "No Elasticsearch to test against: set ELASTICSEARCH_URL (and ELASTICSEARCH_API_KEY or ELASTICSEARCH_USER/PASSWORD) to run the search contract on a live one.";

    private readonly string _index = "petitchat-test-" + Guid.NewGuid().ToString("N")[..12];

    public static Uri? LiveUrl =>
        Environment.GetEnvironmentVariable("ELASTICSEARCH_URL") is { Length: > 0 } url ? new Uri(url) : null;

    protected override async Task<ISearchIndex> CreateIndexAsync()
    {
        Skip.If(LiveUrl is null, SkipReason);
        var index = new ElasticsearchIndex(Options());
        await index.EnsureReadyAsync(Ct);
        return index;
    }

    protected override async Task DisposeIndexAsync(ISearchIndex index)
    {
        ((ElasticsearchIndex)index).Dispose();
        using var settings = ElasticsearchIndex.ClientSettings(Options());
        var client = new ElasticsearchClient(settings);
        await client.Indices.DeleteAsync(_index);
        await client.Indices.DeleteIndexTemplateAsync(_index + "-template");
    }

    private ElasticsearchOptions Options() => new()
    {
        Url = LiveUrl,
        ApiKey = Environment.GetEnvironmentVariable("ELASTICSEARCH_API_KEY"),
        Username = Environment.GetEnvironmentVariable("ELASTICSEARCH_USER"),
        Password = Environment.GetEnvironmentVariable("ELASTICSEARCH_PASSWORD"),
        Index = _index,
        Shards = 2,
        Replicas = 0,
    };
}
