using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.Search;
using PetitChat.Infrastructure.Search;

namespace PetitChat.Infrastructure.Elasticsearch;

public static class ElasticsearchExtensions
{
    /// <summary>
    /// Registers <see cref="ElasticsearchIndex"/> as the <see cref="ISearchIndex"/>, its options from
    /// <c>Search:Elasticsearch</c>, and a start-up step that creates the index with its analyzer.
    /// </summary>
    public static IHostApplicationBuilder AddElasticsearchSearch(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ElasticsearchOptions>()
            .BindConfiguration(ElasticsearchOptions.Section)
            .Validate(o => o.Url is { IsAbsoluteUri: true }, "Search:Elasticsearch:Url must be an absolute URL, such as https://elasticsearch:9200.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Index) && !o.Index.Any(char.IsUpper),
                "Search:Elasticsearch:Index must be a lower-case index name.")
            .Validate(o => o.Shards >= 1 && o.Replicas >= 0 && o.SnippetChars >= 1 && o.RequestTimeout > TimeSpan.Zero,
                "Search:Elasticsearch needs Shards >= 1, Replicas >= 0, a positive SnippetChars and RequestTimeout.")
            .ValidateOnStart();
        builder.Services.AddSearchEngine(
            "Elasticsearch", sp => new ElasticsearchIndex(sp.GetRequiredService<IOptions<ElasticsearchOptions>>().Value), (index, ct) => index.EnsureReadyAsync(ct));
        return builder;
    }
}
