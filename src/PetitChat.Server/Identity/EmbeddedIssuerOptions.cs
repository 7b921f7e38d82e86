namespace PetitChat.Server.Identity;

/// <summary>Settings of the development-only issuer served when no external authority is set.</summary>
public sealed class EmbeddedIssuerOptions
{
    /// <summary>
    /// The issuer URL put in tokens and discovery. Empty: the first of the server's own
    /// <c>Urls</c>, with a wildcard host read as <c>localhost</c>.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// Where the signing and encryption keys are kept, relative to the content root, so that
    /// tokens and sessions survive a restart.
    /// </summary>
    public string KeyPath { get; set; } = "data/issuer-keys.json";

    /// <summary>
    /// Other origins the web client may be served from (a Vite dev server), besides the
    /// issuer's own; redirect URIs must be on one of them.
    /// </summary>
    public string[] WebOrigins { get; set; } = [];

    /// <summary>Usernames that get the <c>admin</c> realm role.</summary>
    public string[] Admins { get; set; } = ["admin"];

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// When set, tokens carry <c>email = {username}@{EmailDomain}</c>, as a directory's accounts
    /// do, so that features keyed by email (Microsoft 365 presence) can be tried in development.
    /// </summary>
    public string? EmailDomain { get; set; }

    /// <summary>
    /// Outside the Development environment the issuer runs only when this is true and
    /// <c>Identity:CliPassword</c> is not the public default: anyone could otherwise sign in as
    /// anyone, <c>admin</c> included.
    /// </summary>
    public bool Enabled { get; set; }
}
