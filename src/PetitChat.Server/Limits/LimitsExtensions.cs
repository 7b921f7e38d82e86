using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PetitChat.Server.Limits;

/// <summary>
/// Abuse limits, with ASP.NET Core's own middleware: rate limiting per user (per address when
/// anonymous, as the forwarded headers of the known proxies give it: see Operations), request body
/// limits and request timeouts.
/// </summary>
public static class LimitsExtensions
{
    public const string TransferTimeoutPolicy = "transfer";

    public static WebApplicationBuilder AddPetitChatLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.IsValid(), "RateLimits: every limit needs a positive PermitLimit and Window, UploadBytesPerMinute at least 1024.")
            .ValidateOnStart();
        builder.Services.AddOptions<RequestLimitOptions>().BindConfiguration("Limits")
            .Validate(o => o.MaxJsonBody > 0 && o.RequestTimeout > TimeSpan.Zero && o.TransferTimeout > TimeSpan.Zero && o.MaxStreamsPerUser > 0,
                "Limits: MaxJsonBody, RequestTimeout, TransferTimeout and MaxStreamsPerUser must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<TokenRequestLimits>();
        builder.Services.AddSingleton<UploadBudget>();
        builder.Services.AddSingleton<OpenStreams>();

        // Every body is held to the JSON limit unless its endpoint says otherwise (uploads).
        var maxBody = builder.Configuration.GetValue("Limits:MaxJsonBody", new RequestLimitOptions().MaxJsonBody);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = maxBody);

        builder.Services.AddRequestTimeouts();
        builder.Services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<RequestLimitOptions>>((timeouts, limits) =>
        {
            timeouts.DefaultPolicy = new RequestTimeoutPolicy { Timeout = limits.Value.RequestTimeout, TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable };
            timeouts.AddPolicy(TransferTimeoutPolicy, new RequestTimeoutPolicy { Timeout = limits.Value.TransferTimeout, TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable });
        });

        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((options, configured) =>
        {
            var limits = configured.Value;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var partition = RateLimitPolicies.PartitionOf(context);
                var limit = partition.StartsWith("user:", StringComparison.Ordinal) ? limits.Api : limits.Anonymous;
                return RateLimitPartition.GetFixedWindowLimiter(partition, _ => TokenRequestLimits.Window(limit));
            });
            AddPolicy(options, RateLimitPolicies.Sends, limits.Sends);
            AddPolicy(options, RateLimitPolicies.Uploads, limits.Uploads);
            AddPolicy(options, RateLimitPolicies.Searches, limits.Searches);
            AddPolicy(options, RateLimitPolicies.Tickets, limits.Tickets);
            AddPolicy(options, RateLimitPolicies.UserSearch, limits.UserSearch);
            AddPolicy(options, RateLimitPolicies.PushSubscriptions, limits.PushSubscriptions);
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) => new ValueTask(TooManyRequests.WriteAsync(
                context.HttpContext, TooManyRequests.RetryAfterOf(context.Lease, TimeSpan.FromMinutes(1)), "requests"));
        });
        return builder;
    }

    /// <summary>After authentication, so that limits are counted per user.</summary>
    public static WebApplication UsePetitChatLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        app.UseRequestTimeouts();
        app.UseTimedRequestBodies();
        app.UseUtf8JsonOnly();
        return app;
    }

    private static void AddPolicy(RateLimiterOptions options, string name, WindowLimit limit) =>
        options.AddPolicy(name, context => RateLimitPartition.GetFixedWindowLimiter(RateLimitPolicies.PartitionOf(context), _ => TokenRequestLimits.Window(limit)));
}
