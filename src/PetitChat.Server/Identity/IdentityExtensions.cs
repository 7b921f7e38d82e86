namespace PetitChat.Server.Identity;

public static class IdentityExtensions
{
    // Placeholder until identity lands: JWT bearer validation through OIDC discovery, and the
    // embedded dev issuer when no external authority is configured.
    public static WebApplicationBuilder AddPetitChatIdentity(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication();
        builder.Services.AddAuthorization();
        return builder;
    }

    public static WebApplication MapPetitChatIdentity(this WebApplication app) => app;
}
