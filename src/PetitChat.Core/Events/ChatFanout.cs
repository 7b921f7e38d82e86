using PetitChat.Core.Chats;

namespace PetitChat.Core.Events;

/// <summary>
/// Publishes a chat's events to its current members. Recipients are resolved at publish time,
/// so a member removed a moment ago gets nothing more from the chat, on any node.
/// Publishing follows a committed write, so it takes no request cancellation: a client that
/// hangs up after its message was stored must not leave the other members without the event.
/// </summary>
public sealed class ChatFanout(IChatRoster roster, IEventBus bus)
{
    public async Task PublishAsync(ChatEvent chatEvent, params IReadOnlyCollection<Guid> alsoTo) =>
        await PublishToMembersAsync(chatEvent, await roster.GetMembersAsync(chatEvent.ChatId, CancellationToken.None), alsoTo);

    /// <summary>
    /// As <see cref="PublishAsync"/>, with the members the caller read after its write (a send
    /// reads them once for its pushes and its live events, rather than once for each).
    /// </summary>
    public async Task PublishToMembersAsync(ChatEvent chatEvent, IReadOnlyList<ChatMember> members, params IReadOnlyCollection<Guid> alsoTo)
    {
        var recipients = new HashSet<Guid>(members.Count + alsoTo.Count);
        foreach (var member in members)
        {
            recipients.Add(member.UserId);
        }

        recipients.UnionWith(alsoTo);
        if (recipients.Count > 0)
        {
            await bus.PublishAsync(chatEvent, recipients, CancellationToken.None);
        }
    }

    /// <summary>Publishes to exactly these users, members or not.</summary>
    public Task PublishToAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients) =>
        bus.PublishAsync(liveEvent, recipients, CancellationToken.None);
}
