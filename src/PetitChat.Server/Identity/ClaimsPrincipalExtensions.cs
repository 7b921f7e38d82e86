using System.Security.Claims;
using System.Text.Json;
using PetitChat.Core.Users;

namespace PetitChat.Server.Identity;

public static class ClaimsPrincipalExtensions
{
    /// <summary>
    /// What a validated token says about its bearer, read the way Keycloak writes it: users are
    /// keyed by <c>sub</c> (never by username), roles come from <c>realm_access.roles</c>.
    /// </summary>
    public static UserClaims ToUserClaims(this ClaimsPrincipal principal)
    {
        var subject = principal.FindFirstValue("sub") ?? throw new InvalidOperationException("The token has no sub claim.");
        var username = principal.FindFirstValue("preferred_username") ?? subject;
        var name = principal.FindFirstValue("name") ?? username;
        return new UserClaims(subject, username, name, RealmRoles(principal));
    }

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

            return [.. roles.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!).Order(StringComparer.Ordinal)];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
