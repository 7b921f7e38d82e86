namespace PetitChat.Core.E2ee;

/// <summary>
/// Users' devices (public keys only): SQLite next to the chats, or the Scylla cluster. Every
/// adapter passes tests/PetitChat.Contracts.Tests/E2ee/DeviceStoreContract.
/// </summary>
public interface IDeviceStore
{
    /// <summary>
    /// Stores the device when (user, device id) is new and returns it with <c>Created = true</c>.
    /// When it exists, nothing is written and the stored device is returned with
    /// <c>Created = false</c>, whatever was asked: the caller compares the keys. Of two concurrent
    /// first puts of one device id, exactly one creates it.
    /// </summary>
    Task<(Device Device, bool Created)> AddAsync(Device device, CancellationToken ct);

    /// <summary>Changes the name of an existing device; false when there is no such device.</summary>
    Task<bool> RenameAsync(Guid userId, string deviceId, string name, CancellationToken ct);

    Task<Device?> GetAsync(Guid userId, string deviceId, CancellationToken ct);

    /// <summary>The user's devices, oldest first (ties by device id).</summary>
    Task<IReadOnlyList<Device>> ListAsync(Guid userId, CancellationToken ct);

    /// <summary>Deletes the device; false when there was none. Its pending messages are the message store's.</summary>
    Task<bool> DeleteAsync(Guid userId, string deviceId, CancellationToken ct);
}
