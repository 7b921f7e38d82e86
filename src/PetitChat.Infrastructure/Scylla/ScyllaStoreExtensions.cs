using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.Storage;

namespace PetitChat.Infrastructure.Scylla;

public static class ScyllaStoreExtensions
{
    /// <summary>
    /// Registers <see cref="ScyllaChatStore"/> as the <see cref="IChatStore"/> and its narrow ports, its options from
    /// <c>Store:Scylla</c>, and a start-up step that creates the missing tables.
    /// </summary>
    public static IHostApplicationBuilder AddScyllaStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ScyllaStoreOptions>()
            .BindConfiguration(ScyllaStoreOptions.Section)
            .Validate(o => o.Endpoints.Count > 0, "Store:Scylla:Endpoints needs at least one Alternator endpoint (http://node:8000).")
            .Validate(o => o.Endpoints.All(e => Uri.TryCreate(e, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)),
                "Store:Scylla:Endpoints must be absolute http(s) URLs.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.TablePrefix) && o.TablePrefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'),
                "Store:Scylla:TablePrefix must be letters, digits, '_', '-' or '.'.")
            .Validate(o => o.MaxAttempts >= 1 && o.RequestTimeout > TimeSpan.Zero && o.RetryBackoff >= TimeSpan.Zero && o.DeadEndpointPause >= TimeSpan.Zero,
                "Store:Scylla needs MaxAttempts >= 1, a positive RequestTimeout and non-negative RetryBackoff and DeadEndpointPause.")
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new ScyllaChatStore(
            sp.GetRequiredService<IOptions<ScyllaStoreOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddChatStorePorts<ScyllaChatStore>();
        builder.Services.AddHostedService<ScyllaTablesInitializer>();
        return builder;
    }
}
