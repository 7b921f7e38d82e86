using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Graph;
using Microsoft.Graph.Communications.GetPresencesByUserId;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.Presence.SetStatusMessage;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;

namespace PetitChat.Infrastructure.Microsoft365;

/// <summary>
/// The few Microsoft Graph calls presence needs, through the Graph SDK, whose default handlers
/// retry throttled calls (429 and 503 with Retry-After). A call refused with 401 (the token was
/// revoked or expired early) gets one new token and is tried once more.
/// </summary>
public sealed class Microsoft365Graph : IDisposable
{
    private readonly ClientCredentialsTokenProvider _tokens;
    private readonly HttpClient _tokenHttp;
    private readonly HttpClient _graphHttp;
    private readonly GraphServiceClient _client;
    private readonly ConcurrentDictionary<string, string?> _ids = new(StringComparer.OrdinalIgnoreCase);

    public Microsoft365Graph(Microsoft365Options options, TimeProvider time)
    {
        _tokenHttp = new HttpClient { Timeout = options.Timeout };
        _tokens = new ClientCredentialsTokenProvider(_tokenHttp, options, time);
        _graphHttp = GraphClientFactory.Create();
        _graphHttp.Timeout = options.Timeout;
        _client = new GraphServiceClient(_graphHttp, new BaseBearerTokenAuthenticationProvider(_tokens), options.GraphBaseUrl.TrimEnd('/'));
    }

    /// <summary>The Entra ID object id of the user with this UPN (or email), or null when the tenant has none; cached.</summary>
    public async Task<string?> ResolveIdAsync(string upn, CancellationToken ct)
    {
        if (_ids.TryGetValue(upn, out var known))
        {
            return known;
        }

        try
        {
            var user = await CallAsync(token => _client.Users[upn].GetAsync(r => r.QueryParameters.Select = ["id"], token), ct);
            _ids[upn] = user?.Id;
            return user?.Id;
        }
        catch (ApiException e) when (e.ResponseStatusCode == (int)HttpStatusCode.NotFound)
        {
            _ids[upn] = null;
            return null;
        }
    }

    /// <summary>
    /// <c>POST /communications/getPresencesByUserId</c> for up to 650 ids:
    /// https://learn.microsoft.com/en-us/graph/api/cloudcommunications-getpresencesbyuserid
    /// </summary>
    public async Task<IReadOnlyList<Microsoft.Graph.Models.Presence>> GetPresencesAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var response = await CallAsync(token => _client.Communications.GetPresencesByUserId.PostAsGetPresencesByUserIdPostResponseAsync(
            new GetPresencesByUserIdPostRequestBody { Ids = [.. ids] }, cancellationToken: token), ct);
        return response?.Value ?? [];
    }

    /// <summary>
    /// <c>POST /users/{id}/presence/setStatusMessage</c>; an empty text clears it:
    /// https://learn.microsoft.com/en-us/graph/api/presence-setstatusmessage
    /// </summary>
    public Task SetStatusMessageAsync(string id, string text, DateTimeOffset? expiresAt, CancellationToken ct) =>
        CallAsync(async token =>
        {
            await _client.Users[id].Presence.SetStatusMessage.PostAsync(new SetStatusMessagePostRequestBody
            {
                StatusMessage = new PresenceStatusMessage
                {
                    Message = new ItemBody { Content = text, ContentType = BodyType.Text },
                    ExpiryDateTime = expiresAt is { } at
                        ? new DateTimeTimeZone { DateTime = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture), TimeZone = "UTC" }
                        : null,
                },
            }, cancellationToken: token);
            return true;
        }, ct);

    public void Dispose()
    {
        _graphHttp.Dispose();
        _tokenHttp.Dispose();
        _tokens.Dispose();
    }

    private async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call(ct);
        }
        catch (ODataError e) when (e.ResponseStatusCode == (int)HttpStatusCode.Unauthorized)
        {
            _tokens.Invalidate();
            return await call(ct);
        }
    }
}
