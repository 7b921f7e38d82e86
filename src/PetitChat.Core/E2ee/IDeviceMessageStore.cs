using PetitChat.Core.Paging;

namespace PetitChat.Core.E2ee;

/// <summary>
/// To-device messages, kept per recipient device until acknowledged: SQLite next to the chats,
/// or the Scylla cluster. Every adapter passes
/// tests/PetitChat.Contracts.Tests/E2ee/DeviceMessageStoreContract.
/// </summary>
public interface IDeviceMessageStore
{
    /// <summary>
    /// Stores the messages (each under its recipient device). Writing the same message (same id)
    /// again changes nothing, so a retry after a failure never duplicates one.
    /// </summary>
    Task AddAsync(IReadOnlyList<DeviceMessage> messages, CancellationToken ct);

    /// <summary>The device's pending messages, oldest first (by id, UUIDv7), paged by an opaque cursor.</summary>
    Task<Page<DeviceMessage>> ListAsync(Guid userId, string deviceId, int limit, string? cursor, CancellationToken ct);

    /// <summary>
    /// Removes the device's oldest messages (lowest ids) so that at most <paramref name="keep"/>
    /// remain, and says how many it removed: a device that never acknowledges loses old messages
    /// instead of refusing new ones. Other devices' messages are untouched.
    /// </summary>
    Task<int> TrimAsync(Guid userId, string deviceId, int keep, CancellationToken ct);

    /// <summary>Removes these messages of the device (acknowledged); unknown ids and other devices' ids are ignored.</summary>
    Task AcknowledgeAsync(Guid userId, string deviceId, IReadOnlyCollection<Guid> messageIds, CancellationToken ct);

    /// <summary>Removes every message waiting for the device (it was deleted).</summary>
    Task DeleteAllAsync(Guid userId, string deviceId, CancellationToken ct);
}
