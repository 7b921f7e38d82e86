using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.Search;
using PetitChat.Infrastructure.Search;

namespace PetitChat.Infrastructure.Meilisearch;

public static class MeilisearchExtensions
{
    /// <summary>
    /// Registers <see cref="MeilisearchIndex"/> as the <see cref="ISearchIndex"/>, its options from
    /// <c>Search:Meilisearch</c>, and a start-up step that creates the index and applies its settings.
    /// </summary>
    public static IHostApplicationBuilder AddMeilisearchSearch(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MeilisearchOptions>()
            .BindConfiguration(MeilisearchOptions.Section)
            .Validate(o => o.Url is { IsAbsoluteUri: true }, "Search:Meilisearch:Url must be an absolute URL, such as http://meilisearch:7700.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Index), "Search:Meilisearch:Index must not be empty.")
            .Validate(o => o.SnippetWords >= 1 && o.RequestTimeout > TimeSpan.Zero && o.TaskTimeout > TimeSpan.Zero && o.TaskPollInterval > TimeSpan.Zero,
                "Search:Meilisearch needs a positive SnippetWords, RequestTimeout, TaskTimeout and TaskPollInterval.")
            .ValidateOnStart();
        builder.Services.AddSearchEngine(
            "Meilisearch", sp => new MeilisearchIndex(sp.GetRequiredService<IOptions<MeilisearchOptions>>().Value), (index, ct) => index.EnsureReadyAsync(ct));
        return builder;
    }
}
