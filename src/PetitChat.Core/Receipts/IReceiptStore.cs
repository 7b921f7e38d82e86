namespace PetitChat.Core.Receipts;

/// <summary>
/// Each member's delivered and read pointers in a chat (read back through the chat roster's members).
/// Part of the chat store (<see cref="PetitChat.Core.Storage.IChatStore"/>): SQLite on a laptop,
/// ScyllaDB (Alternator) in production; every adapter passes this port's contract suite
/// (tests/PetitChat.Contracts.Tests/Storage). Cursors are opaque; a cursor the store did not
/// issue throws <see cref="PetitChat.Core.Paging.InvalidCursorException"/>.
/// </summary>
public interface IReceiptStore
{
    /// <summary>
    /// Moves a member's pointer forward to <paramref name="signalId"/>, never back. Read implies
    /// delivered, so a read receipt also moves the delivered pointer when it is behind.
    /// Concurrent moves keep the furthest one.
    /// </summary>
    Task<ReceiptMove> MoveReceiptAsync(Guid chatId, Guid userId, ReceiptState state, Guid signalId, DateTimeOffset at, CancellationToken ct);
}
