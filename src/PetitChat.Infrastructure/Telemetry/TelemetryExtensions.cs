using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PetitChat.Core.Telemetry;

namespace PetitChat.Infrastructure.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>The meters exported: Petit chat's own, ASP.NET Core's and Kestrel's, outgoing HTTP, and the runtime's.</summary>
    private static readonly string[] Meters =
        [ChatMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime"];

    /// <summary>
    /// OpenTelemetry for this host, named <paramref name="serviceName"/>: metrics exported for
    /// Prometheus (scraped at <c>/metrics</c>, see <see cref="MapPetitChatMetrics"/>), and traces
    /// sent over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured (the standard
    /// OpenTelemetry variable; <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> and the others apply too).
    /// </summary>
    public static IHostApplicationBuilder AddPetitChatTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: $"{Environment.MachineName}-{Environment.ProcessId}"))
            .WithMetrics(metrics => metrics.AddMeter(Meters).AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(ChatMetrics.MeterName, "Microsoft.AspNetCore", "System.Net.Http")
                .AddOtlpExporter());
        }

        return builder;
    }

    /// <summary><c>/metrics</c>, in Prometheus' text format, anonymous (keep it off the public gateway).</summary>
    public static IEndpointRouteBuilder MapPetitChatMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous().DisableHttpMetrics();
        return app;
    }
}
