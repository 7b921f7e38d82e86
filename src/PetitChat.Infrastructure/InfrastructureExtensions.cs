using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using PetitChat.Infrastructure.InProcess;
using PetitChat.Infrastructure.Keycloak;
using PetitChat.Infrastructure.Meilisearch;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Infrastructure;

public static class InfrastructureExtensions
{
    /// <summary>
    /// Picks one adapter per port from configuration, in this one place. Every port defaults to
    /// its embedded adapter so that a bare <c>dotnet run</c> works with nothing installed.
    /// </summary>
    public static IHostApplicationBuilder AddPetitChatInfrastructure(this IHostApplicationBuilder builder)
    {
        var store = builder.Configuration["Store:Kind"] ?? "sqlite";
        switch (store.ToLowerInvariant())
        {
            case "sqlite":
                builder.AddSqliteStore();
                break;
            default:
                throw new InvalidOperationException($"Store:Kind '{store}' is not known; use 'sqlite'.");
        }

        var bus = builder.Configuration["Bus:Kind"] ?? "inprocess";
        switch (bus.ToLowerInvariant())
        {
            case "inprocess":
                builder.AddInProcessEventBus();
                break;
            default:
                throw new InvalidOperationException($"Bus:Kind '{bus}' is not known; use 'inprocess'.");
        }

        var search = builder.Configuration["Search:Kind"] ?? "sqlite";
        switch (search.ToLowerInvariant())
        {
            case "sqlite":
                builder.AddSqliteSearch();
                break;
            case "meilisearch":
                builder.AddMeilisearchSearch();
                break;
            default:
                throw new InvalidOperationException($"Search:Kind '{search}' is not known; use 'sqlite' or 'meilisearch'.");
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration["Identity:Directory:ClientId"]))
        {
            builder.AddKeycloakUserDirectory();
        }

        return builder;
    }
}
