using Microsoft.Extensions.DependencyInjection;
using PetitChat.Core.Chats;
using PetitChat.Core.Receipts;
using PetitChat.Core.Search;
using PetitChat.Core.Signals;
using PetitChat.Core.Storage;
using PetitChat.Core.Users;

namespace PetitChat.Infrastructure;

public static class StorePorts
{
    /// <summary>
    /// Registers the chat store adapter <typeparamref name="TStore"/> (already registered as
    /// itself) as <see cref="IChatStore"/> and as each narrow port, all the same instance, so a
    /// caller that asks for <see cref="ISignalStore"/> and one that asks for
    /// <see cref="IChatRoster"/> share one connection pool and one view of the data.
    /// </summary>
    public static IServiceCollection AddChatStorePorts<TStore>(this IServiceCollection services)
        where TStore : class, IChatStore
    {
        services.AddSingleton<IChatStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IUserStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IChatRoster>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ISignalStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IReceiptStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ISearchJobStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton(sp => sp.GetRequiredService<TStore>() as ISearchReindexStore
            ?? throw new InvalidOperationException($"{typeof(TStore).Name} cannot reindex search."));
        return services;
    }
}
