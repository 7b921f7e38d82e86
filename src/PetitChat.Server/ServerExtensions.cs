using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.E2ee;
using PetitChat.Core.Events;
using PetitChat.Core.Files;
using PetitChat.Core.Notifications;
using PetitChat.Core.Reactions;
using PetitChat.Core.Receipts;
using PetitChat.Core.Search;
using PetitChat.Core.Signals;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.Notifications;
using PetitChat.Server.Apps;
using PetitChat.Server.Calls;
using PetitChat.Server.Chats;
using PetitChat.Server.E2ee;
using PetitChat.Server.Errors;
using PetitChat.Server.Events;
using PetitChat.Server.Files;
using PetitChat.Server.Notifications;
using PetitChat.Server.OpenApi;
using PetitChat.Server.Presence;
using PetitChat.Server.Reactions;
using PetitChat.Server.Receipts;
using PetitChat.Server.Search;
using PetitChat.Server.Signals;
using PetitChat.Server.Threads;
using PetitChat.Server.Typing;
using PetitChat.Server.Users;

namespace PetitChat.Server;

public static class ServerExtensions
{
    /// <summary>The core's services, with limits from the <c>Limits</c> section.</summary>
    public static WebApplicationBuilder AddPetitChatCore(this WebApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection("Limits").Get<ChatLimits>() ?? ChatLimits.Default;
        builder.Services.AddSingleton(limits);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Ids>();
        builder.Services.AddSingleton<ChatFanout>();
        var rosterCache = builder.Configuration.GetSection(RosterCacheOptions.Section).Get<RosterCacheOptions>() ?? RosterCacheOptions.Default;
        if (rosterCache.MaxAge < TimeSpan.Zero || rosterCache.MaxChats < 1)
        {
            throw new InvalidOperationException("RosterCache:MaxAge must not be negative (zero turns it off) and RosterCache:MaxChats is at least 1.");
        }

        builder.Services.AddSingleton(rosterCache);
        // One node (the in-process bus) unless the bus registered its way to reach the others.
        builder.Services.TryAddSingleton<IRosterChanges, NoOtherNodes>();
        builder.Services.AddSingleton<RosterCache>();
        builder.Services.AddHostedService<RosterChangesListener>();
        builder.Services.AddSingleton<UserService>();
        builder.Services.AddSingleton<ChatService>();
        builder.Services.AddSingleton<FileService>();
        builder.Services.AddSingleton<SignalService>();
        builder.Services.AddSingleton<SignalChanges>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Typing").Get<TypingOptions>() ?? TypingOptions.Default);
        builder.Services.AddSingleton<TypingService>();
        builder.Services.AddSingleton<ReactionService>();
        builder.Services.AddSingleton(builder.Configuration.GetSection(ReceiptOptions.Section).Get<ReceiptOptions>() ?? ReceiptOptions.Default);
        builder.Services.AddSingleton<ReceiptCoalescer>();
        builder.Services.AddSingleton<ReceiptService>();
        builder.Services.AddSingleton<SearchService>();
        builder.Services.AddSingleton<SearchWakeup>();
        builder.Services.AddOptions<GlobalSearchOptions>().BindConfiguration(GlobalSearchOptions.Section)
            .Validate(o => o.MaxChats >= 1, "Search:Global:MaxChats must be at least 1.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new GlobalSearchService(
            sp.GetRequiredService<IUserStore>(), sp.GetRequiredService<IChatRoster>(), sp.GetRequiredService<ISearchIndex>(), sp.GetRequiredService<ChatLimits>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<GlobalSearchOptions>>().Value));
        builder.Services.AddSingleton(builder.Configuration.GetSection(E2eeLimits.Section).Get<E2eeLimits>() ?? E2eeLimits.Default);
        builder.Services.AddSingleton<DeviceService>();
        builder.Services.AddOptions<SearchIndexerOptions>().BindConfiguration("Search:Indexing")
            .Validate(o => o.BatchSize > 0 && o.ReadConcurrency > 0 && o.Lease > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero && o.GatherDelay >= TimeSpan.Zero
                && o.FirstRetry > TimeSpan.Zero && o.MaxRetry >= o.FirstRetry,
                "Search:Indexing needs a positive BatchSize, ReadConcurrency, Lease, PollInterval and FirstRetry, MaxRetry >= FirstRetry, and GatherDelay >= 0.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new SearchIndexer(
            sp.GetRequiredService<ISignalStore>(), sp.GetRequiredService<ISearchJobStore>(), sp.GetRequiredService<ISearchIndex>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SearchIndexerOptions>>().Value,
            sp.GetRequiredService<IFileCatalog>()));
        builder.Services.AddHostedService<SearchIndexingWorker>();
        builder.Services.AddOptions<SearchReindexOptions>().BindConfiguration(SearchReindexOptions.Section)
            .Validate(o => o.BatchSize is >= 1 and <= 10_000 && o.PollInterval > TimeSpan.Zero,
                "Search:Reindex needs a BatchSize of 1..10000 and a positive PollInterval.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new SearchReindexer(
            sp.GetRequiredService<ISearchReindexStore>(), sp.GetRequiredService<SearchWakeup>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SearchReindexOptions>>().Value));
        builder.Services.AddHostedService<SearchReindexWorker>();
        return builder;
    }

    /// <summary>HTTP concerns: JSON shape, problem documents, the live stream's tickets.</summary>
    public static WebApplicationBuilder AddPetitChatApi(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
            options.SerializerOptions.RespectNullableAnnotations = true;
        });
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<StoreUnavailableExceptionHandler>();
        builder.Services.AddExceptionHandler<EventBusExceptionHandler>();
        builder.Services.AddMemoryCache();
        builder.Services.AddOptions<EventStreamOptions>().BindConfiguration("Events")
            .Validate(o => o.Heartbeat > TimeSpan.Zero && o.TicketLifetime > TimeSpan.Zero, "Events needs a positive Heartbeat and TicketLifetime.")
            .ValidateOnStart();
        builder.Services.AddSingleton<EventTickets>();
        builder.Services.AddSingleton<StreamHeartbeats>();
        builder.Services.AddSingleton<EventStreams>();
        // Embedded default: the notification worker runs here; with separate Notifier workers, turn it off.
        if (builder.Configuration.GetValue(NotificationOptions.Section + ":" + nameof(NotificationOptions.RunInProcessWorker), true))
        {
            builder.AddNotificationWorker();
        }
        else if (!string.Equals(NotificationExtensions.KindOf(builder.Configuration), "nats", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("Notifications:RunInProcessWorker=false needs Notifications:Kind=nats: no other process can reach the in-process queue.");
        }

        builder.Services.AddOptions<FileUploadOptions>().BindConfiguration(FileUploadOptions.Section);
        builder.Services.AddSingleton<UploadStaging>();
        return builder;
    }

    public static WebApplication MapPetitChatApi(this WebApplication app)
    {
        app.MapGroup("/api/v1")
            .RequireAuthorization()
            .WithProblemResponses()
            .MapUsers()
            .MapChats()
            .MapChatRename()
            .MapSignals()
            .MapSignalChanges()
            .MapThreads()
            .MapTyping()
            .MapReactions()
            .MapReceipts()
            .MapFiles()
            .MapSearch()
            .MapSearchAdmin()
            .MapEvents()
            .MapNotifications()
            .MapCalls()
            .MapApps()
            .MapE2ee()
            .MapPresence()
            .AddEndpointFilter<ActivityFilter>();
        return app;
    }
}
