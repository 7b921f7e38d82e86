using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

/// <summary>The server with <c>Identity:Authority</c> set to a Keycloak-shaped realm, as in production.</summary>
[Collection(KeycloakCollection.Name)]
public sealed class KeycloakTests(KeycloakServer server)
{
    private KeycloakShapedIssuer Realm => server.Realm;

    [Fact]
    public async Task A_keycloak_access_token_signs_the_user_in_with_profile_email_and_mapped_roles()
    {
        var username = Unique("kim");
        var subject = Guid.NewGuid().ToString();

        var me = await GetAsync(Realm.Mint(subject, username, "Kim Larsen", ["default-roles-petitchat", "petitchat-admin"], $"{username}@example.org"), "/api/v1/me").OkJsonAsync();

        Assert.Equal(username, me.Str("username"));
        Assert.Equal("Kim Larsen", me.Str("displayName"));
        Assert.Equal(["user", "admin"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Realm.Mint(Guid.NewGuid().ToString(), Unique("lea")), "/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Signing_in_again_refreshes_name_username_email_and_roles_but_keeps_the_user()
    {
        var subject = Guid.NewGuid().ToString();
        var first = await GetAsync(Realm.Mint(subject, Unique("max"), "Max M", ["petitchat-admin"], "max@old.example.org"), "/api/v1/me").OkJsonAsync();

        var renamed = Unique("maxine");
        var second = await GetAsync(Realm.Mint(subject, renamed, "Maxine M", [], "maxine@new.example.org"), "/api/v1/me").OkJsonAsync();

        Assert.Equal(first.Id(), second.Id());
        Assert.Equal(renamed, second.Str("username"));
        Assert.Equal("Maxine M", second.Str("displayName"));
        Assert.Equal(["user"], second.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    public static TheoryData<string> Rejected => new()
    {
        "issuer with a trailing slash",
        "issuer of another realm",
        "audience without petitchat-api",
        "expired",
        "not yet valid",
        "alg none",
        "HS256 with the public key as secret",
        "unknown kid",
        "an ID token",
        "a refresh token",
        "a token without typ",
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task Tokens_that_keycloak_did_not_issue_for_this_api_are_refused(string forgery)
    {
        var now = DateTime.UtcNow;
        string token;
        switch (forgery)
        {
            case "alg none":
                token = Realm.Mint(Guid.NewGuid().ToString(), Unique("x"), credentials: null, change: (d, _) => d.SigningCredentials = null);
                break;
            case "HS256 with the public key as secret":
                token = Realm.Mint(Guid.NewGuid().ToString(), Unique("x"), credentials: new SigningCredentials(
                    new SymmetricSecurityKey(Realm.ActiveKey.Rsa.ExportSubjectPublicKeyInfo()) { KeyId = Realm.ActiveKey.KeyId }, SecurityAlgorithms.HmacSha256));
                break;
            case "unknown kid":
                token = Realm.Mint(Guid.NewGuid().ToString(), Unique("x"), credentials: new SigningCredentials(
                    new RsaSecurityKey(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") }, SecurityAlgorithms.RsaSha256));
                break;
            default:
                token = Realm.Mint(Guid.NewGuid().ToString(), Unique("x"), change: (d, claims) =>
                {
                    switch (forgery)
                    {
                        case "issuer with a trailing slash":
                            d.Issuer += "/";
                            break;
                        case "issuer of another realm":
                            d.Issuer = d.Issuer!.Replace("/realms/petitchat", "/realms/master", StringComparison.Ordinal);
                            break;
                        case "audience without petitchat-api":
                            claims["aud"] = "account";
                            break;
                        case "expired":
                            (d.IssuedAt, d.Expires) = (now.AddMinutes(-10), now.AddMinutes(-2));
                            break;
                        case "not yet valid":
                            (d.NotBefore, d.Expires) = (now.AddMinutes(5), now.AddMinutes(10));
                            break;
                        case "an ID token":
                            claims["typ"] = "ID";
                            break;
                        case "a refresh token":
                            claims["typ"] = "Refresh";
                            break;
                        case "a token without typ":
                            claims.Remove("typ");
                            break;
                    }
                });
                break;
        }

        using var response = await GetAsync(token, "/api/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_rotated_key_is_picked_up_without_restart_and_a_removed_key_stops_working()
    {
        var oldKey = Realm.ActiveKey;
        var subject = Guid.NewGuid().ToString();
        var username = Unique("rot");
        var oldToken = Realm.Mint(subject, username);
        (await GetAsync(oldToken, "/api/v1/me")).EnsureSuccessStatusCode();

        // Keycloak's hard rotation: a new active key, the old one deleted from the realm.
        var newKey = Realm.AddKey();
        Realm.Activate(newKey);
        Realm.RemoveKey(oldKey);
        try
        {
            var newToken = Realm.Mint(subject, username);
            Assert.True(await EventuallyAsync(newToken, HttpStatusCode.OK), "a token signed with the new key was never accepted");
            Assert.True(await EventuallyAsync(oldToken, HttpStatusCode.Unauthorized), $"a token signed with the removed key was still accepted\n{server.Log}");
        }
        finally
        {
            // Leave the realm as other tests expect it: both keys published, the new one active.
            Realm.Activate(newKey);
        }
    }

    [Fact]
    public async Task Finding_users_also_finds_realm_users_who_never_signed_in_and_they_keep_that_id_when_they_do()
    {
        var tag = Unique("dir");
        var never = Realm.AddUser($"{tag}-nora", "Nora", "Nilsen");
        Realm.AddUser($"{tag}-off", "Otto", "Off", enabled: false);
        Realm.AddUser($"x{tag}-middle", "Mid", "Dle");
        var asker = Realm.Mint(Guid.NewGuid().ToString(), Unique("asker"));

        var page = await GetAsync(asker, $"/api/v1/users?username={tag}").OkJsonAsync();

        var found = Assert.Single(page.Items());
        Assert.Equal($"{tag}-nora", found.Str("username"));
        Assert.Equal("Nora Nilsen", found.Str("displayName"));
        var request = Realm.AdminRequests.Last(r => r.Contains(tag, StringComparison.Ordinal));
        Assert.StartsWith($"/admin/realms/{KeycloakShapedIssuer.Realm}/users?", request, StringComparison.Ordinal);
        Assert.Contains($"username={tag}", request, StringComparison.Ordinal);
        Assert.Contains("briefRepresentation=true", request, StringComparison.Ordinal);

        var chat = await PostAsync(asker, "/api/v1/chats", new { memberIds = new[] { found.Id() } }).OkJsonAsync(201);
        var nora = await GetAsync(Realm.Mint(never.Id, never.Username, "Nora Nilsen"), "/api/v1/me").OkJsonAsync();
        Assert.Equal(found.Id(), nora.Id());
        var norasChats = await GetAsync(Realm.Mint(never.Id, never.Username, "Nora Nilsen"), "/api/v1/chats").OkJsonAsync();
        Assert.Contains(chat.Id(), norasChats.Items().Select(c => c.Id()));
    }

    [Fact]
    public async Task A_stream_ends_when_the_token_it_was_opened_with_expires()
    {
        var subject = Guid.NewGuid().ToString();
        var username = Unique("short");
        (await GetAsync(Realm.Mint(subject, username), "/api/v1/me")).EnsureSuccessStatusCode();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            Realm.Mint(subject, username, change: (d, _) => d.Expires = DateTime.UtcNow.AddSeconds(4)));
        var ticket = (await http.PostAsync(new Uri("/api/v1/events/tickets", UriKind.Relative), null).OkJsonAsync()).Str("ticket");

        await using var withToken = await OpenOrExplainAsync(http, "/api/v1/events");
        using var browser = new HttpClient { BaseAddress = server.BaseAddress };
        await using var withTicket = await OpenOrExplainAsync(browser, $"/api/v1/events?ticket={ticket}");

        await Assert.ThrowsAsync<EndOfStreamException>(() => withToken.NextAsync(TimeSpan.FromSeconds(20)));
        await Assert.ThrowsAsync<EndOfStreamException>(() => withTicket.NextAsync(TimeSpan.FromSeconds(20)));
    }

    private async Task<EventStream> OpenOrExplainAsync(HttpClient http, string url)
    {
        try
        {
            return await EventStream.OpenAsync(http, new HttpRequestMessage(HttpMethod.Get, url));
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"{e.Message}\n{server.Log}", e);
        }
    }

    private static string Unique(string name) => $"{name}{Guid.NewGuid().ToString("N")[..8]}";

    private Task<HttpResponseMessage> GetAsync(string token, string url)
    {
        var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.GetAsync(new Uri(url, UriKind.Relative)).ContinueWith(t =>
        {
            http.Dispose();
            return t.Result;
        }, TaskScheduler.Default);
    }

    private async Task<HttpResponseMessage> PostAsync(string token, string url, object body)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.PostJson(url, body);
    }

    /// <summary>Retries until the API answers <paramref name="status"/> to the token, for up to 15 s.</summary>
    private async Task<bool> EventuallyAsync(string token, HttpStatusCode status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await GetAsync(token, "/api/v1/me");
            if (response.StatusCode == status)
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }
}
