namespace PetitChat.Core.Users;

/// <summary>Petit chat's roles, mapped from the identity provider's realm roles.</summary>
public static class Roles
{
    public const string User = "user";
    public const string Admin = "admin";
}
