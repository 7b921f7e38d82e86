using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.Users;

namespace PetitChat.Infrastructure.Keycloak;

public static class KeycloakDirectoryExtensions
{
    /// <summary>Searches the Keycloak realm's users when a service account is configured.</summary>
    public static IHostApplicationBuilder AddKeycloakUserDirectory(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KeycloakDirectoryOptions>()
            .BindConfiguration("Identity:Directory")
            .PostConfigure(o => o.RealmUrl = string.IsNullOrWhiteSpace(o.RealmUrl) ? builder.Configuration["Identity:Authority"] ?? "" : o.RealmUrl)
            .Validate(o => Uri.TryCreate(o.RealmUrl, UriKind.Absolute, out _) && o.RealmUrl.Contains("/realms/", StringComparison.Ordinal),
                "Identity:Directory needs Identity:Authority (or Identity:Directory:RealmUrl) to be a Keycloak realm URL.")
            .Validate(o => o.ClientSecret.Length > 0, "Identity:Directory:ClientSecret is required with Identity:Directory:ClientId.")
            .ValidateOnStart();
        builder.Services.AddHttpClient(KeycloakUserDirectory.HttpClientName, (services, http) =>
            http.Timeout = services.GetRequiredService<IOptions<KeycloakDirectoryOptions>>().Value.Timeout);
        builder.Services.AddSingleton<IUserDirectory, KeycloakUserDirectory>();
        return builder;
    }
}
