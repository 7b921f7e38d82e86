using System.Text.Json;
using PetitChat.Server.Identity;

namespace PetitChat.Server.Tests.Api;

/// <summary>deploy/keycloak/petitchat-realm.json agrees with what the server expects of a realm.</summary>
public sealed class RealmFileTests
{
    private static readonly JsonElement Realm = Load();

    [Fact]
    public void The_web_client_is_public_with_pkce_and_puts_the_api_audience_in_access_tokens()
    {
        var web = Client("petitchat-web");

        Assert.True(web.GetProperty("publicClient").GetBoolean());
        Assert.True(web.GetProperty("standardFlowEnabled").GetBoolean());
        Assert.False(web.GetProperty("implicitFlowEnabled").GetBoolean());
        Assert.False(web.GetProperty("directAccessGrantsEnabled").GetBoolean());
        Assert.Equal("S256", web.GetProperty("attributes").GetProperty("pkce.code.challenge.method").GetString());
        Assert.All(web.GetProperty("redirectUris").EnumerateArray(), uri => Assert.StartsWith("https://", uri.GetString(), StringComparison.Ordinal));
        AssertAudienceMapper(web);
    }

    [Fact]
    public void The_service_account_may_search_users_and_the_cli_client_also_gets_the_audience()
    {
        var service = Client("petitchat-service");
        var account = Realm.GetProperty("users").EnumerateArray().Single(u => u.TryGetProperty("serviceAccountClientId", out var c) && c.GetString() == "petitchat-service");

        Assert.False(service.GetProperty("publicClient").GetBoolean());
        Assert.True(service.GetProperty("serviceAccountsEnabled").GetBoolean());
        Assert.Equal(["view-users", "query-users"], account.GetProperty("clientRoles").GetProperty("realm-management").EnumerateArray().Select(r => r.GetString()));
        AssertAudienceMapper(Client("petitchat-cli"));
    }

    [Fact]
    public void The_admin_role_is_one_the_server_maps_and_demo_users_are_marked()
    {
        var roles = Realm.GetProperty("roles").GetProperty("realm").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToList();
        var demo = Realm.GetProperty("users").EnumerateArray().Where(u => u.TryGetProperty("credentials", out _)).ToList();

        Assert.Contains(roles, r => new IdentityOptions().AdminRoles.Contains(r));
        Assert.Equal(2, demo.Count);
        Assert.All(demo, u => Assert.Equal("true", u.GetProperty("attributes").GetProperty("demo")[0].GetString()));
        Assert.True(Realm.GetProperty("accessTokenLifespan").GetInt32() <= 300, "disabled users keep access for one access token lifespan");
    }

    private static void AssertAudienceMapper(JsonElement client)
    {
        var mapper = client.GetProperty("protocolMappers").EnumerateArray().Single(m => m.GetProperty("protocolMapper").GetString() == "oidc-audience-mapper");
        Assert.Equal(new IdentityOptions().Audience, mapper.GetProperty("config").GetProperty("included.custom.audience").GetString());
        Assert.Equal("true", mapper.GetProperty("config").GetProperty("access.token.claim").GetString());
    }

    private static JsonElement Client(string clientId) =>
        Realm.GetProperty("clients").EnumerateArray().Single(c => c.GetProperty("clientId").GetString() == clientId);

    private static JsonElement Load()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "deploy", "keycloak", "petitchat-realm.json");
            if (File.Exists(file))
            {
                return JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone();
            }
        }

        throw new FileNotFoundException("deploy/keycloak/petitchat-realm.json was not found above " + AppContext.BaseDirectory);
    }
}
