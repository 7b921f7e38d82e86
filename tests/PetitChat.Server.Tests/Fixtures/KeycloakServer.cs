namespace PetitChat.Server.Tests.Fixtures;

/// <summary>
/// The real server pointed at a Keycloak-shaped realm (<see cref="KeycloakShapedIssuer"/>) as
/// production is: <c>Identity:Authority</c> set, so the embedded issuer is off, and the realm's
/// user directory searched with a service account. Keys are fetched again after 1 s at most
/// when a token names an unknown key.
/// </summary>
public sealed class KeycloakServer : PetitChatServer
{
    public KeycloakShapedIssuer Realm { get; private set; } = null!;

    /// <summary>A Keycloak-shaped token for the user; the subject is derived from the username, as a stable Keycloak id would be.</summary>
    public override Task<string> TokenForAsync(string username, string password = Password) =>
        Task.FromResult(Realm.Mint(SubjectOf(username), username.ToLowerInvariant(), name: username));

    public static string SubjectOf(string username) =>
        new Guid(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(username.ToLowerInvariant()))[..16]).ToString();

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        Realm = await KeycloakShapedIssuer.StartAsync();
        settings["Identity:Authority"] = Realm.RealmUrl.AbsoluteUri;
        settings["Identity:Audience"] = "petitchat-api";
        settings["Identity:KeysMinRefreshInterval"] = "00:00:01";
        settings["Identity:Directory:ClientId"] = KeycloakShapedIssuer.DirectoryClientId;
        settings["Identity:Directory:ClientSecret"] = KeycloakShapedIssuer.DirectoryClientSecret;
    }

    protected override async Task DisposeEnginesAsync() => await Realm.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class KeycloakCollection : ICollectionFixture<KeycloakServer>
{
    public const string Name = "keycloak";
}
