using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PetitChat.Core.Users;

namespace PetitChat.Infrastructure.Keycloak;

/// <summary>
/// Finds realm users through Keycloak's Admin REST API
/// (<c>GET /admin/realms/{realm}/users?username=&amp;briefRepresentation=true</c>) with a
/// service account's token (client credentials grant), cached until shortly before it expires.
/// A singleton, so that the token is shared; connections come from the HTTP client factory.
/// </summary>
public sealed partial class KeycloakUserDirectory(
    IHttpClientFactory clients, IOptions<KeycloakDirectoryOptions> options, TimeProvider time, ILogger<KeycloakUserDirectory> logger)
    : IUserDirectory, IDisposable
{
    public const string HttpClientName = "keycloak-directory";

    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _token;

    public async Task<IReadOnlyList<UserClaims>> FindAsync(string prefix, int max, CancellationToken ct)
    {
        var settings = options.Value;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(settings.AdminUrl,
                $"users?username={Uri.EscapeDataString(prefix)}&first=0&max={Math.Min(max, settings.MaxResults)}&briefRepresentation=true"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(settings, ct));
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, ct);
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                _token = null; // revoked or rotated: the next search asks for a new one
            }

            response.EnsureSuccessStatusCode();
            var users = await response.Content.ReadFromJsonAsync(KeycloakJsonContext.Default.KeycloakUserArray, ct) ?? [];

            // Keycloak's username search matches anywhere in the name; Petit chat's is a prefix.
            return [.. users
                .Where(u => u.Enabled != false && u.Id is not null && u.Username is not null
                    && u.Username.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(u => new UserClaims(u.Id!, u.Username!, DisplayName(u), [], u.Email))];
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
        {
            LogUnreachable(logger, e, settings.AdminUrl);
            return [];
        }
    }

    private async Task<string> TokenAsync(KeycloakDirectoryOptions settings, CancellationToken ct)
    {
        if (_token is { } cached && cached.RenewAt > time.GetUtcNow())
        {
            return cached.Token;
        }

        await _tokenLock.WaitAsync(ct);
        try
        {
            if (_token is { } again && again.RenewAt > time.GetUtcNow())
            {
                return again.Token;
            }

            using var response = await clients.CreateClient(HttpClientName).PostAsync(settings.TokenUrl, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = settings.ClientId,
                ["client_secret"] = settings.ClientSecret,
            }), ct);
            response.EnsureSuccessStatusCode();
            var token = await response.Content.ReadFromJsonAsync(KeycloakJsonContext.Default.KeycloakToken, ct)
                ?? throw new HttpRequestException("Keycloak's token response was empty.");
            var lifetime = TimeSpan.FromSeconds(Math.Max(token.ExpiresIn - 30, 5));
            _token = (token.AccessToken, time.GetUtcNow() + lifetime);
            return token.AccessToken;
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    public void Dispose() => _tokenLock.Dispose();

    private static string DisplayName(KeycloakUser user)
    {
        var name = $"{user.FirstName} {user.LastName}".Trim();
        return name.Length > 0 ? name : user.Username!;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Keycloak user directory at {AdminUrl} could not be searched; only users who signed in are found.")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, Uri adminUrl);
}

/// <summary>The fields of Keycloak's UserRepresentation that Petit chat reads.</summary>
internal sealed record KeycloakUser(string? Id, string? Username, string? FirstName, string? LastName, string? Email, bool? Enabled);

internal sealed record KeycloakToken(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(KeycloakUser[]))]
[JsonSerializable(typeof(KeycloakToken))]
internal sealed partial class KeycloakJsonContext : JsonSerializerContext;
