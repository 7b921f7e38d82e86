using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Fixtures;

/// <summary>
/// A protocol-level stand-in for a Keycloak realm (no Keycloak can run here): it serves the
/// realm's discovery document, JWKS, the client credentials grant and the Admin REST API's user
/// search on 127.0.0.1, in the shapes Keycloak documents, and mints access tokens with
/// Keycloak's claims. Keys can be added and removed to test rotation.
/// </summary>
public sealed class KeycloakShapedIssuer : IAsyncDisposable
{
    public const string Realm = "petitchat";
    public const string DirectoryClientId = "petitchat-service";
    public const string DirectoryClientSecret = "service-secret";

    private readonly ConcurrentDictionary<string, RsaSecurityKey> _keys = new();
    private readonly ConcurrentQueue<string> _adminRequests = new();
    private readonly ConcurrentBag<KeycloakUserRepresentation> _users = [];
    private readonly string _serviceToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private WebApplication? _app;

    public Uri RealmUrl { get; private set; } = null!;

    /// <summary>The key new tokens are signed with.</summary>
    public RsaSecurityKey ActiveKey { get; private set; } = null!;

    /// <summary>Admin REST API requests received (path and query), oldest first.</summary>
    public IReadOnlyCollection<string> AdminRequests => _adminRequests;

    public static async Task<KeycloakShapedIssuer> StartAsync()
    {
        var issuer = new KeycloakShapedIssuer();
        issuer.ActiveKey = issuer.AddKey();
        var port = LoopbackPort.Free();
        issuer.RealmUrl = new Uri($"http://127.0.0.1:{port}/realms/{Realm}");

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        issuer.Map(app);
        await app.StartAsync();
        issuer._app = app;
        return issuer;
    }

    public RsaSecurityKey AddKey()
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") };
        _keys[key.KeyId] = key;
        return key;
    }

    public void RemoveKey(RsaSecurityKey key) => _keys.TryRemove(key.KeyId, out _);

    public void Activate(RsaSecurityKey key) => ActiveKey = key;

    /// <summary>A user known to the realm (as the Admin REST API lists them) who may never have signed in.</summary>
    public KeycloakUserRepresentation AddUser(string username, string firstName, string lastName, bool enabled = true)
    {
        var user = new KeycloakUserRepresentation(Guid.NewGuid().ToString(), username, firstName, lastName, $"{username}@example.org", enabled);
        _users.Add(user);
        return user;
    }

    /// <summary>
    /// An access token as Keycloak 26 issues it to the web client, with an Audience mapper for
    /// <c>petitchat-api</c>; <paramref name="change"/> bends it for negative tests.
    /// </summary>
    public string Mint(string subject, string username, string name = "Test User", string[]? realmRoles = null,
        string? email = null, Action<SecurityTokenDescriptor, Dictionary<string, object>>? change = null, SigningCredentials? credentials = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["jti"] = Guid.NewGuid().ToString(),
            ["sub"] = subject,
            ["typ"] = "Bearer",
            ["azp"] = "petitchat-web",
            ["sid"] = Guid.NewGuid().ToString(),
            ["acr"] = "1",
            ["allowed-origins"] = new[] { "https://chat.example.org" },
            ["realm_access"] = new Dictionary<string, object> { ["roles"] = realmRoles ?? ["default-roles-petitchat", "offline_access", "uma_authorization"] },
            ["resource_access"] = new Dictionary<string, object>
            {
                ["account"] = new Dictionary<string, object> { ["roles"] = new[] { "manage-account", "view-profile" } },
            },
            ["scope"] = "openid profile email",
            ["email_verified"] = true,
            ["name"] = name,
            ["preferred_username"] = username,
            ["given_name"] = name.Split(' ')[0],
            ["family_name"] = name.Contains(' ', StringComparison.Ordinal) ? name[(name.IndexOf(' ', StringComparison.Ordinal) + 1)..] : "",
            ["email"] = email ?? $"{username}@example.org",
            ["aud"] = new[] { "petitchat-api", "account" },
        };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = RealmUrl.AbsoluteUri,
            IssuedAt = now,
            NotBefore = null,
            Expires = now.AddMinutes(5),
            TokenType = "JWT",
            SigningCredentials = credentials ?? new SigningCredentials(ActiveKey, SecurityAlgorithms.RsaSha256),
        };
        change?.Invoke(descriptor, claims);
        descriptor.Claims = claims;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private void Map(WebApplication app)
    {
        var realm = $"/realms/{Realm}";
        var issuer = RealmUrl.AbsoluteUri;

        // The fields and values of a Keycloak 26 realm's discovery document that matter here,
        // built once (hence the literal arrays).
#pragma warning disable CA1861
        var discovery = new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = $"{issuer}/protocol/openid-connect/auth",
            ["token_endpoint"] = $"{issuer}/protocol/openid-connect/token",
            ["introspection_endpoint"] = $"{issuer}/protocol/openid-connect/token/introspect",
            ["userinfo_endpoint"] = $"{issuer}/protocol/openid-connect/userinfo",
            ["end_session_endpoint"] = $"{issuer}/protocol/openid-connect/logout",
            ["jwks_uri"] = $"{issuer}/protocol/openid-connect/certs",
            ["grant_types_supported"] = new[] { "authorization_code", "implicit", "refresh_token", "password", "client_credentials" },
            ["response_types_supported"] = new[] { "code", "none", "id_token", "token", "id_token token", "code id_token", "code token", "code id_token token" },
            ["subject_types_supported"] = new[] { "public", "pairwise" },
            ["id_token_signing_alg_values_supported"] = new[] { "PS384", "RS384", "EdDSA", "ES384", "HS256", "HS512", "ES256", "RS256", "HS384", "ES512", "PS256", "PS512", "RS512" },
            ["code_challenge_methods_supported"] = new[] { "plain", "S256" },
            ["scopes_supported"] = new[] { "openid", "profile", "email", "roles", "offline_access" },
        };
#pragma warning restore CA1861
        app.MapGet($"{realm}/.well-known/openid-configuration", () => Results.Json(discovery));
        app.MapGet($"{realm}/protocol/openid-connect/certs", () => Results.Json(new
        {
            keys = _keys.Values.Select(k =>
            {
                var p = k.Rsa.ExportParameters(false);
                return new Dictionary<string, object>
                {
                    ["kid"] = k.KeyId,
                    ["kty"] = "RSA",
                    ["alg"] = "RS256",
                    ["use"] = "sig",
                    ["n"] = Base64UrlEncoder.Encode(p.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(p.Exponent),
                };
            }).ToArray(),
        }));
        app.MapPost($"{realm}/protocol/openid-connect/token", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            if (form["grant_type"] != "client_credentials" || form["client_id"] != DirectoryClientId || form["client_secret"] != DirectoryClientSecret)
            {
                return Results.Json(new { error = "unauthorized_client", error_description = "Invalid client or Invalid client credentials" }, statusCode: 401);
            }

            return Results.Json(new Dictionary<string, object>
            {
                ["access_token"] = _serviceToken,
                ["expires_in"] = 300,
                ["refresh_expires_in"] = 0,
                ["token_type"] = "Bearer",
                ["not-before-policy"] = 0,
                ["scope"] = "profile email",
            });
        });
        app.MapGet($"/admin{realm}/users", (HttpContext http, string? username, string? search, int? first, int? max, bool? briefRepresentation) =>
        {
            _adminRequests.Enqueue(http.Request.Path + http.Request.QueryString);
            if (http.Request.Headers.Authorization != $"Bearer {_serviceToken}")
            {
                return Results.Json(new { error = "HTTP 401 Unauthorized" }, statusCode: 401);
            }

            // Keycloak matches username= anywhere in the username, case-insensitively.
            var term = username ?? search ?? "";
            var matches = _users.Where(u => u.Username.Contains(term, StringComparison.OrdinalIgnoreCase))
                .OrderBy(u => u.Username, StringComparer.Ordinal)
                .Skip(first ?? 0).Take(max ?? 100)
                .Select(u => new Dictionary<string, object>
                {
                    ["id"] = u.Id,
                    ["username"] = u.Username,
                    ["firstName"] = u.FirstName,
                    ["lastName"] = u.LastName,
                    ["email"] = u.Email,
                    ["emailVerified"] = false,
                    ["createdTimestamp"] = 1764000000000,
                    ["enabled"] = u.Enabled,
                    ["totp"] = false,
                    ["disableableCredentialTypes"] = Array.Empty<string>(),
                    ["requiredActions"] = Array.Empty<string>(),
                    ["notBefore"] = 0,
                });
            return Results.Json(matches.ToArray());
        });
    }
}

public sealed record KeycloakUserRepresentation(string Id, string Username, string FirstName, string LastName, string Email, bool Enabled);
