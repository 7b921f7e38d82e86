using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.Chats;
using PetitChat.Core.Events;
using PetitChat.Core.Presence;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Presence;

/// <summary>What the presence service tests start from: Alice and Bob sharing a direct chat, and reading the presence events a stream carries.</summary>
internal static class PresencePartners
{
    /// <summary>A fresh SQLite file with the presence store beside the chat store, as in the server, and Alice and Bob in a direct chat.</summary>
    public static async Task<(SqlitePresenceStore Statuses, SqliteChatStore Chats, Guid Alice, Guid Bob)> CreateAsync(SqlitePartStores stores)
    {
        var file = SqlitePartStores.FreshFile();
        var statuses = await stores.CreateAsync(file, o => new SqlitePresenceStore(o));
        await statuses.InitializeAsync(CancellationToken.None);
        var chats = await stores.CreateAsync(file, o => new SqliteChatStore(o));
        await chats.InitializeAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var alice = (await chats.UpsertUserAsync(new UserClaims($"alice-{Guid.NewGuid():N}", "alice", "Alice", ["user"]), Guid.CreateVersion7(), now, CancellationToken.None)).Id;
        var bob = (await chats.UpsertUserAsync(new UserClaims($"bob-{Guid.NewGuid():N}", "bob", "Bob", ["user"]), Guid.CreateVersion7(), now, CancellationToken.None)).Id;
        await chats.CreateChatAsync(new Chat(Guid.CreateVersion7(), ChatKind.Direct, null, alice, now, now, null), [alice, bob], CancellationToken.None);
        return (statuses, chats, alice, bob);
    }

    /// <summary>The presence events of <paramref name="userId"/> next in the stream, up to the first that matches.</summary>
    public static async Task<List<PresenceView>> NextAsync(IAsyncEnumerator<DeliveredEvent> stream, Guid userId, Func<PresenceView, bool> until)
    {
        var views = new List<PresenceView>();
        while (await stream.MoveNextAsync())
        {
            if (stream.Current.Event is PresenceChanged { Presence: var view } && view.UserId == userId)
            {
                views.Add(view);
                if (until(view))
                {
                    return views;
                }
            }
        }

        throw new InvalidOperationException("The stream ended.");
    }
}
