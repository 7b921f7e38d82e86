namespace PetitChat.Core.Users;

/// <summary>Petit chat's roles, mapped from the identity provider's realm roles.</summary>
public static class Roles
{
    public const string User = "user";
    public const string Admin = "admin";

    /// <summary>An app's or an incoming webhook's bot user: never given by a token, only by registering one.</summary>
    public const string Bot = "bot";
}
