using System.Text;
using PetitChat.Core.Common;
using PetitChat.Core.Storage;
using PetitChat.Core.Users;

namespace PetitChat.Core.Apps;

/// <summary>
/// Creates the bot users of apps and incoming webhooks: ordinary users (so they join chats and
/// send like anyone) with the <see cref="Roles.Bot"/> role and a subject no identity provider
/// issues (<c>petitchat-app:</c> or <c>petitchat-hook:</c> and the owner's id).
/// </summary>
public sealed class BotUsers(IChatStore store, Ids ids, TimeProvider time)
{
    public Task<User> CreateAsync(string kind, Guid ownerId, string name, CancellationToken ct)
    {
        var username = $"{Slug(name)}-{kind}-{ownerId.ToString("N")[^6..]}";
        return store.UpsertUserAsync(new UserClaims($"petitchat-{kind}:{ownerId:N}", username, name, [Roles.Bot]), ids.Next(), time.GetUtcNow(), ct);
    }

    private static string Slug(string name)
    {
        var slug = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }

            if (slug.Length >= 24)
            {
                break;
            }
        }

        var text = slug.ToString().Trim('-');
        return text.Length == 0 ? "bot" : text;
    }
}
