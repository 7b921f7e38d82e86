using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Search;

internal static class SearchEngineRegistration
{
    /// <summary>
    /// Registers a search engine's adapter as the <see cref="ISearchIndex"/> (one instance), and a
    /// start-up step that prepares its index with <paramref name="ensureReady"/>.
    /// </summary>
    public static IServiceCollection AddSearchEngine<TIndex>(
        this IServiceCollection services, string engine, Func<IServiceProvider, TIndex> create, Func<TIndex, CancellationToken, Task> ensureReady)
        where TIndex : class, ISearchIndex
    {
        services.AddSingleton(create);
        services.AddSingleton<ISearchIndex>(sp => sp.GetRequiredService<TIndex>());
        services.AddHostedService(sp => new SearchIndexInitializer(
            engine, ct => ensureReady(sp.GetRequiredService<TIndex>(), ct), sp.GetRequiredService<ILogger<SearchIndexInitializer>>()));
        return services;
    }
}
