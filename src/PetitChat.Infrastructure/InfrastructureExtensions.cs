using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PetitChat.Core.Files;
using PetitChat.Infrastructure.Apps;
using PetitChat.Infrastructure.Elasticsearch;
using PetitChat.Infrastructure.Images;
using PetitChat.Infrastructure.InProcess;
using PetitChat.Infrastructure.Keycloak;
using PetitChat.Infrastructure.LocalDisk;
using PetitChat.Infrastructure.Meilisearch;
using PetitChat.Infrastructure.Nats;
using PetitChat.Infrastructure.Notifications;
using PetitChat.Infrastructure.S3;
using PetitChat.Infrastructure.Scylla;
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
        builder.AddPetitChatStore();

        builder.AddE2eeStores();

        var bus = builder.Configuration["Bus:Kind"] ?? "inprocess";
        switch (bus.ToLowerInvariant())
        {
            case "inprocess":
                builder.AddInProcessEventBus();
                break;
            case "nats":
                builder.AddNatsEventBus();
                break;
            default:
                throw new InvalidOperationException($"Bus:Kind '{bus}' is not known; use 'inprocess' or 'nats'.");
        }

        var blobs = builder.Configuration["Blobs:Kind"] ?? "local";
        switch (blobs.ToLowerInvariant())
        {
            case "local":
                builder.AddLocalBlobStore();
                break;
            case "s3":
                builder.AddS3BlobStore();
                break;
            default:
                throw new InvalidOperationException($"Blobs:Kind '{blobs}' is not known; use 'local' or 's3'.");
        }

        builder.AddVipsImages();

        var search = builder.Configuration["Search:Kind"] ?? "sqlite";
        switch (search.ToLowerInvariant())
        {
            case "sqlite":
                builder.AddSqliteSearch();
                break;
            case "meilisearch":
                builder.AddMeilisearchSearch();
                break;
            case "elasticsearch":
                builder.AddElasticsearchSearch();
                break;
            default:
                throw new InvalidOperationException($"Search:Kind '{search}' is not known; use 'sqlite', 'meilisearch' or 'elasticsearch'.");
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration["Identity:Directory:ClientId"]))
        {
            builder.AddKeycloakUserDirectory();
        }

        builder.AddNotifications();
        builder.AddCallStore();
        builder.AddApps();

        return builder;
    }

    /// <summary>
    /// The chat store picked by <c>Store:Kind</c> (<c>sqlite</c> or <c>scylla</c>), with the file
    /// catalog beside it: all that a host that only reads chats (the Notifier) needs.
    /// </summary>
    public static IHostApplicationBuilder AddPetitChatStore(this IHostApplicationBuilder builder)
    {
        var store = builder.Configuration["Store:Kind"] ?? "sqlite";
        switch (store.ToLowerInvariant())
        {
            case "sqlite":
                builder.AddSqliteStore();
                // File metadata lives in the same database file as the chats.
                builder.Services.AddSingleton<IFileCatalog>(sp => sp.GetRequiredService<SqliteChatStore>());
                break;
            case "scylla":
                builder.AddScyllaStore();
                builder.Services.AddSingleton<IFileCatalog>(sp => sp.GetRequiredService<ScyllaChatStore>());
                break;
            default:
                throw new InvalidOperationException($"Store:Kind '{store}' is not known; use 'sqlite' or 'scylla'.");
        }

        return builder;
    }
}
