namespace PetitChat.Infrastructure.Keycloak;

/// <summary>
/// The Keycloak service account that searches the realm's users (section <c>Identity:Directory</c>).
/// Its client needs "Service accounts roles" on and the <c>realm-management</c> roles
/// <c>view-users</c> and <c>query-users</c> (deploy/keycloak/petitchat-realm.json has them).
/// </summary>
public sealed class KeycloakDirectoryOptions
{
    /// <summary>The realm URL, as in <c>Identity:Authority</c>: <c>https://sso.example.org/realms/petitchat</c>.</summary>
    public string RealmUrl { get; set; } = "";

    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    /// <summary>Users asked from Keycloak per search at most.</summary>
    public int MaxResults { get; set; } = 20;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary><c>https://host/realms/name</c> → <c>https://host/admin/realms/name</c>.</summary>
    public Uri AdminUrl
    {
        get
        {
            var realm = new Uri(RealmUrl.TrimEnd('/'));
            var path = realm.AbsolutePath;
            var at = path.LastIndexOf("/realms/", StringComparison.Ordinal);
            if (at < 0)
            {
                throw new InvalidOperationException($"'{RealmUrl}' is not a Keycloak realm URL (…/realms/NAME).");
            }

            return new Uri(realm, path[..at] + "/admin" + path[at..] + "/");
        }
    }

    public Uri TokenUrl => new(RealmUrl.TrimEnd('/') + "/protocol/openid-connect/token");
}
