using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Presence;

/// <summary>
/// A stand-in for Microsoft Graph and the Entra ID token endpoint on 127.0.0.1 (neither can run
/// here), answering in their documented shapes:
/// - token: https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow (access_token, expires_in)
/// - GET /users/{upn}: https://learn.microsoft.com/en-us/graph/api/user-get
/// - POST /communications/getPresencesByUserId: https://learn.microsoft.com/en-us/graph/api/cloudcommunications-getpresencesbyuserid
/// - POST /users/{id}/presence/setStatusMessage: https://learn.microsoft.com/en-us/graph/api/presence-setstatusmessage
/// - throttling, 429 with Retry-After: https://learn.microsoft.com/en-us/graph/throttling
/// - an expired token, 401 InvalidAuthenticationToken: https://learn.microsoft.com/en-us/graph/errors
/// Tokens live <see cref="TokenLifetime"/>; a call with an expired or unknown one gets 401.
/// </summary>
public sealed class GraphStandIn : IAsyncDisposable
{
    public const string Tenant = "contoso-tenant";
    public const string ClientId = "petitchat-app";
    public const string ClientSecret = "stand-in-secret";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new();
    private readonly ConcurrentDictionary<string, string> _ids = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (string Availability, string Activity, string? Message)> _presence = new();
    private int _throttleNext;

    private GraphStandIn(WebApplication app, Uri origin)
    {
        _app = app;
        Origin = origin;
    }

    public Uri Origin { get; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromSeconds(2);

    public int TokensIssued => _tokens.Count;

    private int _throttled;
    private int _expiredRefused;

    /// <summary>Calls answered 429.</summary>
    public int Throttled => Volatile.Read(ref _throttled);

    /// <summary>Calls refused for an expired token.</summary>
    public int ExpiredRefused => Volatile.Read(ref _expiredRefused);

    public ConcurrentQueue<(string Id, JsonNode Body)> StatusMessages { get; } = new();

    /// <summary>How many ids each <c>getPresencesByUserId</c> call that was answered asked for, in order.</summary>
    public ConcurrentQueue<int> PresenceBatches { get; } = new();

    /// <summary>
    /// Every token issued so far is refused from now on as expired, before the lifetime it was
    /// issued with ran out (revoked, or the clocks disagree): Graph answers 401 and the caller needs a new one.
    /// </summary>
    public void ExpireTokens()
    {
        foreach (var token in _tokens.Keys)
        {
            _tokens[token] = DateTimeOffset.MinValue;
        }
    }

    public static async Task<GraphStandIn> StartAsync()
    {
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var standIn = new GraphStandIn(app, new Uri($"http://127.0.0.1:{port}"));
        app.MapPost("/{tenant}/oauth2/v2.0/token", standIn.TokenAsync);
        app.MapGet("/v1.0/users/{upn}", standIn.GetUser);
        app.MapPost("/v1.0/communications/getPresencesByUserId", standIn.GetPresencesAsync);
        app.MapPost("/v1.0/users/{id}/presence/setStatusMessage", standIn.SetStatusMessageAsync);
        await app.StartAsync();
        return standIn;
    }

    /// <summary>An account in the tenant, with its object id.</summary>
    public string AddUser(string upn)
    {
        var id = Guid.NewGuid().ToString();
        _ids[upn] = id;
        _presence[id] = ("Offline", "Offline", null);
        return id;
    }

    public void SetPresence(string id, string availability, string activity, string? message = null) => _presence[id] = (availability, activity, message);

    /// <summary>The next presence read answers 429 with Retry-After: 1.</summary>
    public void ThrottleNext() => Interlocked.Exchange(ref _throttleNext, 1);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> TokenAsync(string tenant, HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        if (tenant != Tenant || form["grant_type"] != "client_credentials" || form["client_id"] != ClientId
            || form["client_secret"] != ClientSecret || form["scope"] != "https://graph.microsoft.com/.default")
        {
            return Results.Json(new { error = "invalid_client", error_description = "AADSTS7000215: Invalid client secret provided." }, statusCode: 401);
        }

        var token = "st-" + Guid.NewGuid().ToString("N");
        _tokens[token] = DateTimeOffset.UtcNow + TokenLifetime;
        return Results.Json(new { token_type = "Bearer", expires_in = (int)TokenLifetime.TotalSeconds, ext_expires_in = (int)TokenLifetime.TotalSeconds, access_token = token });
    }

    private IResult GetUser(string upn, HttpRequest request)
    {
        if (Refuse(request) is { } refused)
        {
            return refused;
        }

        return _ids.TryGetValue(upn, out var id)
            ? Results.Json(new Dictionary<string, object> { ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#users(id)/$entity", ["id"] = id })
            : Error(404, "Request_ResourceNotFound", $"Resource '{upn}' does not exist or one of its queried reference-property objects are not present.");
    }

    private async Task<IResult> GetPresencesAsync(HttpRequest request, HttpResponse response)
    {
        if (Refuse(request) is { } refused)
        {
            return refused;
        }

        if (Interlocked.Exchange(ref _throttleNext, 0) == 1)
        {
            Interlocked.Increment(ref _throttled);
            response.Headers.RetryAfter = "1";
            return Error(429, "TooManyRequests", "Too many requests.");
        }

        var body = await JsonNode.ParseAsync(request.Body);
        var ids = body!["ids"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
        if (ids.Count > 650)
        {
            return Error(400, "BadRequest", "At most 650 ids.");
        }

        PresenceBatches.Enqueue(ids.Count);

        var value = ids.Where(_presence.ContainsKey).Select(id =>
        {
            var (availability, activity, message) = _presence[id];
            var item = new JsonObject { ["id"] = id, ["availability"] = availability, ["activity"] = activity };
            if (message is not null)
            {
                item["statusMessage"] = new JsonObject
                {
                    ["message"] = new JsonObject { ["content"] = message, ["contentType"] = "text" },
                    ["publishedDateTime"] = DateTimeOffset.UtcNow.ToString("O"),
                };
            }

            return (JsonNode)item;
        }).ToArray();
        return Results.Json(new JsonObject
        {
            ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#Collection(presence)",
            ["value"] = new JsonArray(value),
        });
    }

    private async Task<IResult> SetStatusMessageAsync(string id, HttpRequest request)
    {
        if (Refuse(request) is { } refused)
        {
            return refused;
        }

        StatusMessages.Enqueue((id, (await JsonNode.ParseAsync(request.Body))!));
        return Results.Ok();
    }

    private IResult? Refuse(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.TryGetValue(header[7..], out var expires))
        {
            return Error(401, "InvalidAuthenticationToken", "Access token is empty.");
        }

        if (expires <= DateTimeOffset.UtcNow)
        {
            Interlocked.Increment(ref _expiredRefused);
            return Error(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.");
        }

        return null;
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { error = new { code, message, innerError = new { date = DateTimeOffset.UtcNow.ToString("O"), request_id = Guid.NewGuid() } } }, statusCode: status);
}
