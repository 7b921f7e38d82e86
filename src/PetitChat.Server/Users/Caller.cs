using Microsoft.Extensions.Caching.Memory;
using PetitChat.Core.Users;
using PetitChat.Server.Identity;

namespace PetitChat.Server.Users;

/// <summary>
/// The authenticated user of a request, bound as a handler parameter. Created in the store on
/// their first call and refreshed when their token's profile claims change; a short cache keeps
/// that write off every request.
/// </summary>
public sealed record Caller(User User)
{
    public Guid Id => User.Id;

    public static async ValueTask<Caller?> BindAsync(HttpContext context)
    {
        // An app's bot (bot token): its user was made at registration, never from token claims.
        if (context.User.FindFirst(Apps.BotTokenHandler.BotUserClaim) is { } bot && Guid.TryParse(bot.Value, out var botUserId))
        {
            var store = context.RequestServices.GetRequiredService<PetitChat.Core.Storage.IChatStore>();
            return await store.GetUserAsync(botUserId, context.RequestAborted) is { } botUser ? new Caller(botUser) : null;
        }

        var identity = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value;
        var claims = context.User.ToUserClaims(identity.AdminRoles);
        var cache = context.RequestServices.GetRequiredService<IMemoryCache>();
        var key = ("caller", claims.Subject);
        if (cache.TryGetValue(key, out Caller? cached) && cached is not null && SameProfile(cached.User, claims))
        {
            return cached;
        }

        var users = context.RequestServices.GetRequiredService<UserService>();
        var caller = new Caller(await users.SignInAsync(claims, context.RequestAborted));
        cache.Set(key, caller, TimeSpan.FromMinutes(5));
        return caller;
    }

    private static bool SameProfile(User user, UserClaims claims) =>
        user.Username == claims.Username && user.DisplayName == claims.DisplayName && user.Email == claims.Email
        && user.Roles.SequenceEqual(claims.Roles);
}
