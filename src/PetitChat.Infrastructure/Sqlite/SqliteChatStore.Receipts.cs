using Microsoft.Data.Sqlite;
using PetitChat.Core.Receipts;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

public sealed partial class SqliteChatStore
{
    // Forward-only as one conditional UPDATE: with writers serialized, parallel moves keep the
    // furthest. The pointer may only name a signal of the chat, or a made-up "far future" id
    // could pin it forever.
    private const string MoveDelivered = """
        UPDATE members SET delivered_signal_id = @signalId, delivered_at = @at
        WHERE chat_id = @chatId AND user_id = @userId
          AND (delivered_signal_id IS NULL OR delivered_signal_id < @signalId)
          AND EXISTS (SELECT 1 FROM signals WHERE id = @signalId AND chat_id = @chatId)
        """;

    private const string MoveRead = """
        UPDATE members SET read_signal_id = @signalId, read_at = @at
        WHERE chat_id = @chatId AND user_id = @userId
          AND (read_signal_id IS NULL OR read_signal_id < @signalId)
          AND EXISTS (SELECT 1 FROM signals WHERE id = @signalId AND chat_id = @chatId)
        """;

    public async Task<ReceiptMove> MoveReceiptAsync(Guid chatId, Guid userId, ReceiptState state, Guid signalId, DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        // Read implies delivered: a client that only reports reads still shows "delivered" right.
        var readMoved = state == ReceiptState.Read
            && await MovePointerAsync(connection, ReceiptState.Read, chatId, userId, signalId, at, ct);
        var deliveredMoved = await MovePointerAsync(connection, ReceiptState.Delivered, chatId, userId, signalId, at, ct);
        await transaction.CommitAsync(ct);
        return new ReceiptMove(deliveredMoved, readMoved);
    }

    private static async Task<bool> MovePointerAsync(
        SqliteConnection connection, ReceiptState state, Guid chatId, Guid userId, Guid signalId, DateTimeOffset at, CancellationToken ct) =>
        await ExecuteAsync(connection, state == ReceiptState.Read ? MoveRead : MoveDelivered, ct,
            ("@chatId", ToText(chatId)),
            ("@userId", ToText(userId)),
            ("@signalId", ToText(signalId)),
            ("@at", ToText(at))) > 0;
}
