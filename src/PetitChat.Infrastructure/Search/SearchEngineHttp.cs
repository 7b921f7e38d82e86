using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Search;

/// <summary>The HTTP call shared by the search engines' hand-written adapters (Meilisearch, Elasticsearch).</summary>
internal static class SearchEngineHttp
{
    /// <summary>
    /// Sends <paramref name="request"/>; a network failure or a timeout becomes a
    /// <see cref="SearchUnavailableException"/> naming the <paramref name="engine"/> and its address.
    /// The answer, whatever its status, is the caller's to read.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, string engine, CancellationToken ct)
    {
        try
        {
            return await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new SearchUnavailableException($"{engine} at {http.BaseAddress} cannot be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new SearchUnavailableException($"{engine} at {http.BaseAddress} did not answer within {http.Timeout}.", e);
        }
    }
}
