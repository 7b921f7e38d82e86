using Microsoft.Data.Sqlite;
using PetitChat.Core.E2ee;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// Devices and to-device messages of end-to-end encryption, in the same SQLite file as the
/// chats, in tables of their own with their own schema version (<c>schema_parts</c> row 'e2ee'),
/// as the notification settings do.
/// </summary>
public sealed partial class SqliteDeviceStore(SqliteStoreOptions options) : IDeviceStore, IDeviceMessageStore, IDisposable
{
    private const string Part = "e2ee";
    private const string DeviceColumns = "user_id, device_id, name, identity_x, identity_y, agreement_x, agreement_y, signature, created_at";
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE devices (
            user_id     TEXT NOT NULL,
            device_id   TEXT NOT NULL,
            name        TEXT NOT NULL,
            identity_x  TEXT NOT NULL,
            identity_y  TEXT NOT NULL,
            agreement_x TEXT NOT NULL,
            agreement_y TEXT NOT NULL,
            signature   TEXT NOT NULL,
            created_at  TEXT NOT NULL,
            PRIMARY KEY (user_id, device_id)
        ) WITHOUT ROWID;

        -- One recipient device's pending messages, in id (UUIDv7, creation) order.
        CREATE TABLE device_messages (
            user_id          TEXT NOT NULL,
            device_id        TEXT NOT NULL,
            id               TEXT NOT NULL,
            sender_id        TEXT NOT NULL,
            sender_device_id TEXT NOT NULL,
            type             TEXT NOT NULL,
            content          TEXT NOT NULL,
            created_at       TEXT NOT NULL,
            PRIMARY KEY (user_id, device_id, id)
        ) WITHOUT ROWID;
        """,
    ];

    private readonly SqliteSchemaPart _tables = new(options, Part, Steps);

    public async Task<(Device Device, bool Created)> AddAsync(Device device, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var inserted = await ExecuteAsync(connection, $"""
            INSERT INTO devices ({DeviceColumns}) VALUES (@user, @device, @name, @ix, @iy, @ax, @ay, @signature, @at)
            ON CONFLICT (user_id, device_id) DO NOTHING
            """, ct, ("@user", ToText(device.UserId)), ("@device", device.DeviceId), ("@name", device.Name),
            ("@ix", device.IdentityKey.X), ("@iy", device.IdentityKey.Y), ("@ax", device.AgreementKey.X), ("@ay", device.AgreementKey.Y),
            ("@signature", device.Signature), ("@at", ToText(device.CreatedAt)));
        var stored = inserted == 1 ? device : (await ReadDevicesAsync(connection, "user_id = @user AND device_id = @device", ct,
            ("@user", ToText(device.UserId)), ("@device", device.DeviceId)))[0];
        await transaction.CommitAsync(ct);
        return (stored, inserted == 1);
    }

    public async Task<bool> RenameAsync(Guid userId, string deviceId, string name, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ExecuteAsync(connection, "UPDATE devices SET name = @name WHERE user_id = @user AND device_id = @device", ct,
            ("@name", name), ("@user", ToText(userId)), ("@device", deviceId)) > 0;
    }

    public async Task<Device?> GetAsync(Guid userId, string deviceId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var found = await ReadDevicesAsync(connection, "user_id = @user AND device_id = @device", ct, ("@user", ToText(userId)), ("@device", deviceId));
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<Device>> ListAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ReadDevicesAsync(connection, "user_id = @user", ct, ("@user", ToText(userId)));
    }

    public async Task<bool> DeleteAsync(Guid userId, string deviceId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ExecuteAsync(connection, "DELETE FROM devices WHERE user_id = @user AND device_id = @device", ct,
            ("@user", ToText(userId)), ("@device", deviceId)) > 0;
    }

    public Task InitializeAsync(CancellationToken ct) => _tables.InitializeAsync(ct);

    private static Task<List<Device>> ReadDevicesAsync(SqliteConnection connection, string filter, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        QueryAsync(connection, $"SELECT {DeviceColumns} FROM devices WHERE {filter} ORDER BY created_at, device_id", reader => new Device(
            Guid.ParseExact(reader.GetString(0), "D"), reader.GetString(1), reader.GetString(2), new EcPublicKey(reader.GetString(3), reader.GetString(4)),
            new EcPublicKey(reader.GetString(5), reader.GetString(6)), reader.GetString(7), ParseTime(reader.GetString(8))), ct, parameters);

    public void Dispose() => _tables.Dispose();

    private Task<SqliteConnection> OpenAsync(CancellationToken ct) => _tables.OpenAsync(ct);
}
