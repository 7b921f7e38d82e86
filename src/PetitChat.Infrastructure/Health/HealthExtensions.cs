using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;
using PetitChat.Core.Files;
using PetitChat.Core.Search;
using PetitChat.Core.Storage;
using PetitChat.Infrastructure.Nats.Notifications;

namespace PetitChat.Infrastructure.Health;

public static class HealthExtensions
{
    /// <summary>Tag of the checks behind <c>/healthz</c>: the process is up and serving.</summary>
    public const string Live = "live";

    /// <summary>Tag of the checks behind <c>/readyz</c>: the engines this host uses answer.</summary>
    public const string Ready = "ready";

    /// <summary>
    /// Health checks for the ports this host has registered, so call it after the adapters: the
    /// store, the bus (NATS), the notification queue (NATS), the blob store and the search index,
    /// each tagged <see cref="Ready"/> and bounded by <paramref name="timeout"/> (3 s by default),
    /// plus a <see cref="Live"/> check that only says the process answers.
    /// </summary>
    public static IHostApplicationBuilder AddPetitChatHealthChecks(this IHostApplicationBuilder builder, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(3);
        bool Has<T>() => builder.Services.Any(d => d.ServiceType == typeof(T));
        var checks = builder.Services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy(), [Live]);
        if (Has<IChatStore>())
        {
            checks.Add(new HealthCheckRegistration("store", sp => ActivatorUtilities.CreateInstance<StoreHealthCheck>(sp), null, [Ready], limit));
        }

        if (Has<INatsConnection>())
        {
            checks.Add(new HealthCheckRegistration("bus",
                sp => new NatsHealthCheck(sp.GetRequiredService<INatsConnection>(), "event bus"), null, [Ready], limit));
        }

        if (Has<NotificationNatsConnection>())
        {
            checks.Add(new HealthCheckRegistration("queue",
                sp => new NatsHealthCheck(sp.GetRequiredService<NotificationNatsConnection>().Connection, "notification queue"), null, [Ready], limit));
        }

        if (Has<IBlobStore>())
        {
            checks.Add(new HealthCheckRegistration("blobs", sp => ActivatorUtilities.CreateInstance<BlobsHealthCheck>(sp), null, [Ready], limit));
        }

        if (Has<ISearchIndex>())
        {
            checks.Add(new HealthCheckRegistration("search", sp => ActivatorUtilities.CreateInstance<SearchHealthCheck>(sp), null, [Ready], limit));
        }

        return builder;
    }

    /// <summary>
    /// <c>/healthz</c> (200 while the process serves) and <c>/readyz</c> (200 when every engine
    /// answers, else 503), both anonymous, answering a small JSON document that names each check.
    /// </summary>
    public static IEndpointRouteBuilder MapPetitChatHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = r => r.Tags.Contains(Live), ResponseWriter = WriteAsync })
            .AllowAnonymous().DisableHttpMetrics();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = r => r.Tags.Contains(Ready), ResponseWriter = WriteAsync })
            .AllowAnonymous().DisableHttpMetrics();
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(context.Response.Body, new HealthDocument(
            report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => new HealthEntry(e.Value.Status.ToString(), e.Value.Description))),
            HealthJsonContext.Default.HealthDocument, context.RequestAborted);
    }
}
