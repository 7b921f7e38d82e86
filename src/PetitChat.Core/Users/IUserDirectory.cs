namespace PetitChat.Core.Users;

/// <summary>
/// The identity provider's own list of users (Keycloak's Admin REST API), so that "find a user
/// by username" also finds people who have never signed in to Petit chat. Optional: the
/// embedded issuer has no list (any username signs in), and then only users who signed in
/// are found.
/// </summary>
public interface IUserDirectory
{
    /// <summary>
    /// Up to <paramref name="max"/> enabled users whose username starts with
    /// <paramref name="prefix"/> (case-insensitive), as the provider describes them; their
    /// roles are not known here and come empty. A provider that cannot be reached gives an
    /// empty list (and logs why) rather than failing the search.
    /// </summary>
    Task<IReadOnlyList<UserClaims>> FindAsync(string prefix, int max, CancellationToken ct);
}
