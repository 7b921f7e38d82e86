using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Events;
using PetitChat.Core.Signals;

namespace PetitChat.Core.Reactions;

/// <summary>Reactions are idempotent: adding twice or removing what is not there changes nothing.</summary>
public sealed class ReactionService(IChatRoster roster, ISignalStore timeline, ChatFanout fanout, TimeProvider time, ChatLimits limits)
{
    public async Task<Result<bool>> AddAsync(Guid callerId, Guid chatId, Guid signalId, string emoji, CancellationToken ct)
    {
        if (!Emoji.IsValid(emoji))
        {
            return new Invalid("emoji", "emoji must be one emoji.");
        }

        if (await FindSignalAsync(callerId, chatId, signalId, ct) is { } notFound)
        {
            return notFound;
        }

        var mine = await timeline.GetUserReactionsAsync(chatId, callerId, [signalId], ct);
        if (mine.Any(r => r.Emoji == emoji))
        {
            return false;
        }

        if (mine.Count >= limits.MaxReactionsPerUser)
        {
            return new Conflict($"One user puts at most {limits.MaxReactionsPerUser} different reactions on a message.");
        }

        var added = await timeline.AddReactionAsync(new Reaction(signalId, callerId, emoji, time.GetUtcNow()), chatId, ct);
        if (added)
        {
            await PublishAsync(chatId, signalId, callerId, emoji, added: true);
        }

        return added;
    }

    public async Task<Result<bool>> RemoveAsync(Guid callerId, Guid chatId, Guid signalId, string emoji, CancellationToken ct)
    {
        if (await FindSignalAsync(callerId, chatId, signalId, ct) is { } notFound)
        {
            return notFound;
        }

        var removed = await timeline.RemoveReactionAsync(chatId, signalId, callerId, emoji, ct);
        if (removed)
        {
            await PublishAsync(chatId, signalId, callerId, emoji, added: false);
        }

        return removed;
    }

    public async Task<Result<IReadOnlyList<Reaction>>> ListAsync(Guid callerId, Guid chatId, Guid signalId, CancellationToken ct)
    {
        if (await FindSignalAsync(callerId, chatId, signalId, ct) is { } notFound)
        {
            return notFound;
        }

        return Result.Ok(await timeline.GetReactionsAsync(chatId, signalId, ct));
    }

    private async Task<NotFound?> FindSignalAsync(Guid callerId, Guid chatId, Guid signalId, CancellationToken ct)
    {
        if (await roster.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return ChatService.ChatNotFound;
        }

        return await timeline.GetSignalAsync(chatId, signalId, ct) is null ? new NotFound("No such signal in this chat.") : null;
    }

    private async Task PublishAsync(Guid chatId, Guid signalId, Guid userId, string emoji, bool added)
    {
        // The count is read after the write: it is the latest, which is what every client wants to show.
        var signal = await timeline.GetSignalAsync(chatId, signalId, CancellationToken.None);
        var count = signal?.Reactions.FirstOrDefault(r => r.Emoji == emoji)?.Count ?? 0;
        await fanout.PublishAsync(new ReactionChanged(chatId, signalId, userId, emoji, added, count));
    }
}
