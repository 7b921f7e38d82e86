using System.Security.Claims;
using System.Text.Json;
using PetitChat.Core.Users;

namespace PetitChat.Server.Identity;

public static class ClaimsPrincipalExtensions
{
    /// <summary>
    /// What a validated token says about its bearer, read the way Keycloak writes it: users are
    /// keyed by <c>sub</c> (never by username); every bearer is a <c>user</c>, and an
    /// <c>admin</c> when <c>realm_access.roles</c> holds one of <paramref name="adminRoles"/>.
    /// </summary>
    public static UserClaims ToUserClaims(this ClaimsPrincipal principal, IReadOnlyCollection<string> adminRoles)
    {
        var subject = principal.FindFirstValue("sub") ?? throw new InvalidOperationException("The token has no sub claim.");
        var username = principal.FindFirstValue("preferred_username") ?? subject;
        var name = principal.FindFirstValue("name") ?? username;
        var realmRoles = RealmRoles(principal);
        string[] roles = realmRoles.Any(adminRoles.Contains) ? [Roles.User, Roles.Admin] : [Roles.User];
        return new UserClaims(subject, username, name, roles, principal.FindFirstValue("email"));
    }

    /// <summary>When the bearer token expires (its <c>exp</c>), or null when it says nothing.</summary>
    public static DateTimeOffset? TokenExpiry(this ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue("exp"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static string[] RealmRoles(ClaimsPrincipal principal)
    {
        var realmAccess = principal.FindFirstValue("realm_access");
        if (string.IsNullOrEmpty(realmAccess))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(realmAccess);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("roles", out var roles) || roles.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            return [.. roles.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!)];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
