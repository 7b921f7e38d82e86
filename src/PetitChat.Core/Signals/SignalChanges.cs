using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Events;
using PetitChat.Core.Files;
using PetitChat.Core.Search;
using PetitChat.Core.Users;

namespace PetitChat.Core.Signals;

/// <summary>
/// Edits and deletes of signals already sent. Every call checks membership first (a non-member
/// gets the same "not found" as for a chat that does not exist); a refused change writes nothing.
/// </summary>
public sealed class SignalChanges(
    IChatRoster roster, IUserStore userStore, ISignalStore timeline, FileService files, ChatFanout fanout, TimeProvider time, ChatLimits limits,
    SearchWakeup search)
{
    private static readonly NotFound SignalNotFound = new("No such signal in this chat.");

    /// <summary>The sender replaces a message's text; mentions are parsed again from the new text.</summary>
    public async Task<Result<Signal>> EditAsync(Guid callerId, Guid chatId, Guid signalId, string? text, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new Invalid("text", "text is required: the message's new text.");
        }

        if (text.Length > limits.MaxTextLength)
        {
            return new Invalid("text", $"text is at most {limits.MaxTextLength} characters.");
        }

        var chat = await roster.GetChatAsync(chatId, ct);
        if (chat is null || await roster.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return ChatService.ChatNotFound;
        }

        // An edit carries text, which the server of an encrypted chat never takes (docs/e2ee.md).
        if (chat.Encrypted)
        {
            return new Invalid("text", "This chat is end-to-end encrypted: the server takes no plaintext, so its messages cannot be edited.");
        }

        var signal = await timeline.GetSignalAsync(chatId, signalId, ct);
        if (signal is null)
        {
            return SignalNotFound;
        }

        if (signal.SenderId != callerId)
        {
            return new Forbidden("Only the sender edits a message.");
        }

        if (signal.Kind != SignalKind.Message)
        {
            return new Invalid("signalId", "Only messages can be edited.");
        }

        if (signal.DeletedAt is not null)
        {
            return new Invalid("signalId", "The message is deleted; it cannot be edited.");
        }

        var mentions = MentionParser.Parse(text, callerId, await MembersAsync(chatId, ct), chat.Kind == ChatKind.Group);
        var edited = await timeline.EditSignalAsync(chatId, signalId, text, mentions, time.GetUtcNow(), ct);
        if (edited is null)
        {
            // Deleted between the read and the write.
            return new Invalid("signalId", "The message is deleted; it cannot be edited.");
        }

        search.Notify();
        edited = await Quotes.FillAsync(timeline, chatId, edited, ct);
        await fanout.PublishAsync(new SignalEdited(edited));
        return edited;
    }

    /// <summary>
    /// The sender, or in a group its creator or an administrator, turns a signal into a tombstone;
    /// its files go with it. Deleting a tombstone again succeeds and changes nothing.
    /// </summary>
    public async Task<Result<Signal>> DeleteAsync(Guid callerId, IReadOnlyList<string> callerRoles, Guid chatId, Guid signalId, CancellationToken ct)
    {
        var chat = await roster.GetChatAsync(chatId, ct);
        if (chat is null || await roster.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return ChatService.ChatNotFound;
        }

        var signal = await timeline.GetSignalAsync(chatId, signalId, ct);
        if (signal is null)
        {
            return SignalNotFound;
        }

        var moderator = chat.Kind == ChatKind.Group && (chat.CreatedBy == callerId || callerRoles.Contains(Roles.Admin));
        if (signal.SenderId != callerId && !moderator)
        {
            return new Forbidden("Only the sender, or the group's creator or an administrator, deletes a message.");
        }

        if (signal.DeletedAt is not null)
        {
            return signal;
        }

        var deletion = await timeline.DeleteSignalAsync(chatId, signalId, time.GetUtcNow(), ct);
        if (deletion is null)
        {
            return SignalNotFound;
        }

        if (deletion.Deleted)
        {
            await files.ReleaseAttachmentsAsync(deletion.FormerAttachmentIds);
            search.Notify();
            await fanout.PublishAsync(new SignalDeleted(chatId, signalId, deletion.Tombstone.DeletedAt!.Value));
        }

        return deletion.Tombstone;
    }

    private async Task<IReadOnlyList<User>> MembersAsync(Guid chatId, CancellationToken ct)
    {
        var members = await roster.GetMembersAsync(chatId, ct);
        return await userStore.GetUsersAsync([.. members.Select(m => m.UserId)], ct);
    }
}
