using PetitChat.Core.Chats;
using PetitChat.Core.Files;
using PetitChat.Core.Receipts;
using PetitChat.Core.Search;
using PetitChat.Core.Signals;
using PetitChat.Core.Users;

namespace PetitChat.Core.Storage;

/// <summary>
/// The chat store as one adapter implements it: SQLite on a laptop, ScyllaDB (Alternator) in
/// production. Callers depend on the narrow port of the aggregate they use (users, chats and
/// members, signals with reactions and threads, receipts, files, the search outbox); this
/// composite only names what one adapter class provides, and DI registers each narrow port to
/// that same instance. Methods that write several records do so all-or-nothing, or in an order
/// whose partial result the reads tolerate and a retry repairs.
/// </summary>
public interface IChatStore : IUserStore, IChatRoster, ISignalStore, IReceiptStore, ISearchJobStore, IFileCatalog;
