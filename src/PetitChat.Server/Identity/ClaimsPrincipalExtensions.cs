using System.Security.Claims;
using PetitChat.Core.Users;

namespace PetitChat.Server.Identity;

public static class ClaimsPrincipalExtensions
{
    // Temporary until the identity branch lands with the real mapping.
    public static UserClaims ToUserClaims(this ClaimsPrincipal principal)
    {
        var subject = principal.FindFirstValue("sub") ?? throw new InvalidOperationException("No sub claim.");
        var username = principal.FindFirstValue("preferred_username") ?? subject;
        var name = principal.FindFirstValue("name") ?? username;
        return new UserClaims(subject, username, name, [.. principal.FindAll("role").Select(c => c.Value)]);
    }
}
