using System.Net.Http.Headers;
using PetitChat.Core.Search;
using PetitChat.Infrastructure.Meilisearch;

namespace PetitChat.Contracts.Tests.Search;

/// <summary>
/// The search contract on a real Meilisearch, when <c>MEILISEARCH_URL</c> (and, if it has a
/// master key, <c>MEILISEARCH_KEY</c>) is set; skipped otherwise, as no Meilisearch can run on
/// the CI machine. Each test class instance uses its own index, deleted afterwards.
/// </summary>
public sealed class MeilisearchSearchIndexTests : SearchIndexContract
{
    public const string SkipReason =
        "No Meilisearch to test against: set MEILISEARCH_URL (and MEILISEARCH_KEY) to run the search contract on a live one.";

    private readonly string _index = "petitchat-test-" + Guid.NewGuid().ToString("N")[..12];

    public static Uri? LiveUrl =>
        Environment.GetEnvironmentVariable("MEILISEARCH_URL") is { Length: > 0 } url ? new Uri(url) : null;

    protected override async Task<ISearchIndex> CreateIndexAsync()
    {
        Skip.If(LiveUrl is null, SkipReason);
        var index = new MeilisearchIndex(new MeilisearchOptions
        {
            Url = LiveUrl,
            ApiKey = Environment.GetEnvironmentVariable("MEILISEARCH_KEY"),
            Index = _index,
        });
        await index.EnsureReadyAsync(Ct);
        return index;
    }

    protected override async Task DisposeIndexAsync(ISearchIndex index)
    {
        ((MeilisearchIndex)index).Dispose();
        using var http = new HttpClient { BaseAddress = LiveUrl };
        if (Environment.GetEnvironmentVariable("MEILISEARCH_KEY") is { Length: > 0 } key)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var _ = await http.DeleteAsync(new Uri("/indexes/" + _index, UriKind.Relative));
    }
}
