using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Kiota.Abstractions.Authentication;

namespace PetitChat.Infrastructure.Microsoft365;

/// <summary>
/// Application tokens for Microsoft Graph by the OAuth 2.0 client credentials grant against the
/// Entra ID token endpoint, cached until shortly before they expire. Written here rather than
/// taken from Azure.Identity because that library's MSAL insists on an https authority with
/// instance discovery, which a stand-in on 127.0.0.1 cannot offer (docs/decisions/0010).
/// </summary>
public sealed class ClientCredentialsTokenProvider(HttpClient http, Microsoft365Options options, TimeProvider time) : IAccessTokenProvider, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _refreshAt;

    public AllowedHostsValidator AllowedHostsValidator { get; } = new([new Uri(options.GraphBaseUrl).Host]);

    public async Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        if (!AllowedHostsValidator.IsUrlHostValid(uri))
        {
            return string.Empty;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is null || time.GetUtcNow() >= _refreshAt)
            {
                await RequestAsync(cancellationToken);
            }

            return _token!;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the cached token (Graph refused it), so the next call gets a new one.</summary>
    public void Invalidate() => _token = null;

    public void Dispose() => _gate.Dispose();

    private async Task RequestAsync(CancellationToken ct)
    {
        var endpoint = new Uri($"{options.AuthorityHost.TrimEnd('/')}/{Uri.EscapeDataString(options.TenantId!)}/oauth2/v2.0/token");
        using var response = await http.PostAsync(endpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = options.ClientId!,
            ["client_secret"] = options.ClientSecret!,
            ["scope"] = options.Scope,
        }), ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new Microsoft365UnavailableException(
                $"The token endpoint answered {(int)response.StatusCode} {response.ReasonPhrase}; check Presence:Microsoft365 TenantId, ClientId and ClientSecret.");
        }

        var token = await response.Content.ReadFromJsonAsync(Microsoft365Json.Default.TokenResponse, ct)
            ?? throw new Microsoft365UnavailableException("The token endpoint answered with no token.");
        var lifetime = TimeSpan.FromSeconds(Math.Max(token.ExpiresIn, 1));
        // Renewed a little before it expires (at most a minute, at most half its life), so no call carries a token that lapses on the way.
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, lifetime.Ticks / 2));
        _token = token.AccessToken;
        _refreshAt = time.GetUtcNow() + lifetime - margin;
    }
}

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn);

[JsonSerializable(typeof(TokenResponse))]
internal sealed partial class Microsoft365Json : JsonSerializerContext;
