using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Events;
using PetitChat.Core.Signals;

namespace PetitChat.Core.Receipts;

/// <summary>
/// Receipts are per-member "up to" pointers (as in Matrix): O(members) rows, not
/// O(messages x members). "Who saw S" is every member whose read pointer is at or after S.
/// </summary>
public sealed class ReceiptService(IChatRoster roster, ISignalStore timeline, IReceiptStore receiptStore, ReceiptCoalescer receipts, TimeProvider time)
{
    /// <summary>Moves the caller's pointer forward; a pointer already at or past the signal stays.</summary>
    public async Task<Result<ReceiptMove>> MoveAsync(Guid callerId, Guid chatId, Guid signalId, ReceiptState state, CancellationToken ct)
    {
        if (await roster.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return ChatService.ChatNotFound;
        }

        if (await timeline.GetSignalAsync(chatId, signalId, ct) is not { } signal)
        {
            return new Invalid("signalId", "signalId is not a signal of this chat.");
        }

        if (signal.ThreadId is not null)
        {
            // Pointers walk the main timeline: a thread reply's newer id would mark unseen messages read.
            return new Invalid("signalId", "signalId is a thread reply; receipts point at the main timeline (its root).");
        }

        var at = time.GetUtcNow();
        var moved = await receiptStore.MoveReceiptAsync(chatId, callerId, state, signalId, at, ct);
        if (moved.Any)
        {
            // Coalesced per chat: a whole group reading one message is not members squared events.
            List<ReceiptMoved> moves = [];
            if (moved.DeliveredMoved)
            {
                moves.Add(new ReceiptMoved(chatId, callerId, ReceiptState.Delivered, signalId, at));
            }

            if (moved.ReadMoved)
            {
                moves.Add(new ReceiptMoved(chatId, callerId, ReceiptState.Read, signalId, at));
            }

            await receipts.PublishAsync(chatId, moves);
        }

        return moved;
    }

    /// <summary>The members (other than its sender) whose pointers reached the signal.</summary>
    public async Task<Result<SignalReceipts>> GetAsync(Guid callerId, Guid chatId, Guid signalId, CancellationToken ct)
    {
        var members = await roster.GetMembersAsync(chatId, ct);
        if (!members.Any(m => m.UserId == callerId))
        {
            return ChatService.ChatNotFound;
        }

        var signal = await timeline.GetSignalAsync(chatId, signalId, ct);
        if (signal is null)
        {
            return new NotFound("No such signal in this chat.");
        }

        var delivered = new List<MemberReceipt>();
        var read = new List<MemberReceipt>();
        foreach (var member in members)
        {
            if (member.UserId == signal.SenderId)
            {
                continue;
            }

            if (member.Delivered is { } d && d.SignalId.CompareTo(signalId) >= 0)
            {
                delivered.Add(new MemberReceipt(member.UserId, d.At));
            }

            if (member.Read is { } r && r.SignalId.CompareTo(signalId) >= 0)
            {
                read.Add(new MemberReceipt(member.UserId, r.At));
            }
        }

        return new SignalReceipts(delivered, read);
    }
}
