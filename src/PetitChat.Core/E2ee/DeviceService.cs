using PetitChat.Core.Common;
using PetitChat.Core.Events;
using PetitChat.Core.Paging;
using PetitChat.Core.Storage;

namespace PetitChat.Core.E2ee;

/// <summary>
/// Devices (public keys) and to-device messages of end-to-end encryption (docs/e2ee.md). The
/// server checks shapes, sizes and the device signature; it can read no message.
/// </summary>
public sealed class DeviceService(
    IChatStore store, IDeviceStore devices, IDeviceMessageStore messages, IEventBus bus, Ids ids, TimeProvider time, E2eeLimits limits,
    ChatLimits chatLimits)
{
    public static readonly NotFound DeviceNotFound = new("No such device.");

    /// <summary>
    /// Registers a device, or renames it when it exists with the same keys. Different keys under an
    /// existing id are a conflict: keys never change, new keys are a new device.
    /// </summary>
    public async Task<Result<(Device Device, bool Created)>> PutAsync(
        Guid callerId, string deviceId, string? name, EcPublicKey? identityKey, EcPublicKey? agreementKey, string? signature, CancellationToken ct)
    {
        if (CheckDeviceId(deviceId) is { } badId)
        {
            return badId;
        }

        name = string.IsNullOrWhiteSpace(name) ? deviceId : name.Trim();
        if (name.Length > limits.MaxDeviceNameLength)
        {
            return new Invalid("name", $"name is at most {limits.MaxDeviceNameLength} characters.");
        }

        if (identityKey is null || !DeviceSignature.IsValidKey(identityKey))
        {
            return new Invalid("identityKey", "identityKey must be a P-256 public JWK { kty: \"EC\", crv: \"P-256\", x, y }.");
        }

        if (agreementKey is null || !DeviceSignature.IsValidKey(agreementKey))
        {
            return new Invalid("agreementKey", "agreementKey must be a P-256 public JWK { kty: \"EC\", crv: \"P-256\", x, y }.");
        }

        if (signature is null || !DeviceSignature.Verify(callerId, deviceId, identityKey, agreementKey, signature))
        {
            return new Invalid("signature", "signature must be the identity key's ECDSA P-256 signature over the agreement key (docs/e2ee.md).");
        }

        var existing = await devices.GetAsync(callerId, deviceId, ct);
        if (existing is null && (await devices.ListAsync(callerId, ct)).Count >= limits.MaxDevicesPerUser)
        {
            return new Conflict($"A user has at most {limits.MaxDevicesPerUser} devices; delete one first.");
        }

        var (stored, created) = existing is null
            ? await devices.AddAsync(new Device(callerId, deviceId, name, identityKey, agreementKey, signature, time.GetUtcNow()), ct)
            : (existing, false);
        if (!created)
        {
            if (stored.IdentityKey != identityKey || stored.AgreementKey != agreementKey)
            {
                return new Conflict("This device id already has other keys; keys never change: register new keys as a new device.");
            }

            if (stored.Name != name)
            {
                await devices.RenameAsync(callerId, deviceId, name, ct);
                stored = stored with { Name = name };
            }

            return (stored, false);
        }

        await TellPartnersAsync(callerId);
        return (stored, true);
    }

    /// <summary>
    /// A user's devices, for any signed-in caller, as a key directory answers: the public keys of a
    /// member who has left still verify what they sent before, which the others go on reading.
    /// </summary>
    public async Task<Result<IReadOnlyList<Device>>> ListAsync(Guid userId, CancellationToken ct) =>
        await store.GetUserAsync(userId, ct) is null
            ? new NotFound("No such user.")
            : Result.Ok(await devices.ListAsync(userId, ct));

    /// <summary>Deletes one of the caller's devices and what waits for it.</summary>
    public async Task<Failure?> DeleteAsync(Guid callerId, string deviceId, CancellationToken ct)
    {
        if (CheckDeviceId(deviceId) is not null || !await devices.DeleteAsync(callerId, deviceId, ct))
        {
            return DeviceNotFound;
        }

        await messages.DeleteAllAsync(callerId, deviceId, ct);
        await TellPartnersAsync(callerId);
        return null;
    }

    /// <summary>
    /// Stores each message for its recipient device, then pushes it on the recipient's live stream.
    /// All are checked before any is stored: a refused send stores nothing. A device left holding
    /// more than <see cref="E2eeLimits.MaxPendingPerDevice"/> loses its oldest messages.
    /// </summary>
    public async Task<Result<DeviceMessagesSent>> SendAsync(
        Guid callerId, string? senderDeviceId, IReadOnlyList<NewDeviceMessage>? batch, CancellationToken ct)
    {
        if (senderDeviceId is null || CheckDeviceId(senderDeviceId) is not null || await devices.GetAsync(callerId, senderDeviceId, ct) is null)
        {
            return new Invalid("senderDeviceId", "senderDeviceId must be one of your devices.");
        }

        if (batch is null || batch.Count == 0 || batch.Count > limits.MaxMessagesPerRequest)
        {
            return new Invalid("messages", $"messages holds 1 to {limits.MaxMessagesPerRequest} messages.");
        }

        var now = time.GetUtcNow();
        var checkedDevices = new HashSet<(Guid, string)>();
        var pending = new List<DeviceMessage>(batch.Count);
        foreach (var message in batch)
        {
            if (string.IsNullOrWhiteSpace(message.Type) || message.Type.Length > limits.MaxMessageTypeLength)
            {
                return new Invalid("messages.type", $"Each message has a type of at most {limits.MaxMessageTypeLength} characters.");
            }

            if (message.Content.Length > limits.MaxMessageContentLength)
            {
                return new Invalid("messages.content", $"A message's content is at most {limits.MaxMessageContentLength} characters of JSON.");
            }

            if (checkedDevices.Add((message.UserId, message.DeviceId)))
            {
                if (CheckDeviceId(message.DeviceId) is not null || await devices.GetAsync(message.UserId, message.DeviceId, ct) is null)
                {
                    return new Invalid("messages.deviceId", $"User {message.UserId} has no device '{message.DeviceId}'.");
                }

            }

            pending.Add(new DeviceMessage(ids.Next(), message.UserId, message.DeviceId, callerId, senderDeviceId, message.Type, message.Content, now));
        }

        await messages.AddAsync(pending, ct);

        // A device that never acknowledges (an abandoned browser) must not block everyone's key
        // shares: past its cap it loses its oldest messages, the keys of the oldest chains.
        var trimmed = new List<DeviceInboxTrim>();
        foreach (var (userId, deviceId) in checkedDevices)
        {
            var dropped = await messages.TrimAsync(userId, deviceId, limits.MaxPendingPerDevice, CancellationToken.None);
            if (dropped > 0)
            {
                trimmed.Add(new DeviceInboxTrim(userId, deviceId, dropped));
            }
        }

        foreach (var group in pending.GroupBy(m => m.RecipientId))
        {
            foreach (var message in group)
            {
                await bus.PublishAsync(new DeviceMessageSent(message), [group.Key], CancellationToken.None);
            }
        }

        return new DeviceMessagesSent(pending, trimmed);
    }

    /// <summary>What waits for one of the caller's devices, oldest first.</summary>
    public async Task<Result<Page<DeviceMessage>>> PendingAsync(Guid callerId, string deviceId, int? limit, string? cursor, CancellationToken ct)
    {
        if (PageSize.Check(limit, chatLimits) is { } invalid)
        {
            return invalid;
        }

        if (CheckDeviceId(deviceId) is not null || await devices.GetAsync(callerId, deviceId, ct) is null)
        {
            return DeviceNotFound;
        }

        try
        {
            return await messages.ListAsync(callerId, deviceId, limit ?? chatLimits.DefaultPageSize, cursor, ct);
        }
        catch (InvalidCursorException e)
        {
            return new Invalid("cursor", e.Message);
        }
    }

    public async Task<Failure?> AcknowledgeAsync(Guid callerId, string deviceId, IReadOnlyCollection<Guid>? messageIds, CancellationToken ct)
    {
        if (messageIds is null || messageIds.Count == 0 || messageIds.Count > chatLimits.MaxPageSize)
        {
            return new Invalid("ids", $"ids holds 1 to {chatLimits.MaxPageSize} message ids.");
        }

        if (CheckDeviceId(deviceId) is not null || await devices.GetAsync(callerId, deviceId, ct) is null)
        {
            return DeviceNotFound;
        }

        await messages.AcknowledgeAsync(callerId, deviceId, messageIds, ct);
        return null;
    }

    private Invalid? CheckDeviceId(string deviceId) =>
        deviceId.Length is 0 || deviceId.Length > limits.MaxDeviceIdLength || !deviceId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? new Invalid("deviceId", $"A device id is 1 to {limits.MaxDeviceIdLength} characters of A-Z, a-z, 0-9, '-' and '_'.")
            : null;

    /// <summary>Everyone who shares a chat with the user (and the user's own other devices) hears of the change.</summary>
    private async Task TellPartnersAsync(Guid userId)
    {
        var recipients = new HashSet<Guid> { userId };
        string? cursor = null;
        var seen = 0;
        do
        {
            var page = await store.ListChatsAsync(userId, chatLimits.MaxPageSize, cursor, CancellationToken.None);
            foreach (var summary in page.Items)
            {
                foreach (var member in await store.GetMembersAsync(summary.Chat.Id, CancellationToken.None))
                {
                    recipients.Add(member.UserId);
                }
            }

            seen += page.Items.Count;
            cursor = page.NextCursor;
        }
        while (cursor is not null && seen < limits.MaxChatsNotified);

        await bus.PublishAsync(new DevicesChanged(userId), recipients, CancellationToken.None);
    }
}
