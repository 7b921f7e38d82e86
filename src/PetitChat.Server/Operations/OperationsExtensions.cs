using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using PetitChat.Infrastructure.Health;
using PetitChat.Infrastructure.Telemetry;

namespace PetitChat.Server.Operations;

public static class OperationsExtensions
{
    /// <summary>
    /// What an operator runs the server with: OpenTelemetry (metrics for Prometheus, OTLP traces
    /// when configured), health checks of every engine it uses, and forwarded headers believed
    /// only from the proxies in <see cref="ForwardedHeadersTrust"/>. Call it after the adapters.
    /// </summary>
    public static WebApplicationBuilder AddPetitChatOperations(this WebApplicationBuilder builder)
    {
        builder.AddPetitChatTelemetry("petitchat-server");
        builder.AddPetitChatHealthChecks();
        var trust = builder.Configuration.GetSection(ForwardedHeadersTrust.Section).Get<ForwardedHeadersTrust>() ?? new ForwardedHeadersTrust();
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            options.ForwardLimit = trust.ForwardLimit;
            if (trust.KnownProxies.Count > 0 || trust.KnownNetworks.Count > 0)
            {
                // The configured gateways replace ASP.NET Core's default (all of 127.0.0.0/8 and
                // ::1): otherwise any process on the node's own host could claim any client.
                options.KnownProxies.Clear();
                options.KnownIPNetworks.Clear();
            }

            foreach (var proxy in trust.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in trust.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return builder;
    }

    /// <summary>Forwarded headers first (so everything after sees the client's address and scheme), then send metrics.</summary>
    public static WebApplication UsePetitChatOperations(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<SendMetricsMiddleware>();
        return app;
    }

    /// <summary><c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.</summary>
    public static WebApplication MapPetitChatOperations(this WebApplication app)
    {
        app.MapPetitChatHealthChecks();
        app.MapPetitChatMetrics();
        return app;
    }
}
