using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.E2ee;

/// <summary>
/// A test client's device for encrypted chats, over the real HTTP API: it registers its keys,
/// keeps a sender chain per chat (a new one when the member devices change), shares it through
/// to-device messages, and opens what others send, refusing what docs/e2ee.md says to refuse.
/// </summary>
public sealed class E2eeClient : IDisposable
{
    private readonly Dictionary<Guid, (string ChainId, byte[] ChainKey, long Index, string Recipients)> _outbound = [];
    private readonly Dictionary<string, Inbound> _inbound = [];

    private E2eeClient(Chatter chatter, string deviceId, ECDsa identity, ECDiffieHellman agreement)
    {
        Chatter = chatter;
        DeviceId = deviceId;
        Identity = identity;
        Agreement = agreement;
    }

    public Chatter Chatter { get; }

    public string DeviceId { get; }

    public ECDsa Identity { get; }

    public ECDiffieHellman Agreement { get; }

    public Guid UserId => Chatter.Id;

    public Jwk IdentityKey => Jwk.Public(Identity.ExportParameters(false));

    public Jwk AgreementKey => Jwk.Public(Agreement.ExportParameters(false));

    public static async Task<E2eeClient> RegisterAsync(Chatter chatter, string? deviceId = null)
    {
        var client = new E2eeClient(chatter, deviceId ?? "dotnet-" + Guid.NewGuid().ToString("N")[..8],
            ECDsa.Create(ECCurve.NamedCurves.nistP256), ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256));
        using var response = await chatter.Http.PutAsJsonAsync($"/api/v1/me/devices/{client.DeviceId}", client.DeviceRequest());
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return client;
    }

    public object DeviceRequest(string name = "test device") => new
    {
        name,
        identityKey = IdentityKey,
        agreementKey = AgreementKey,
        signature = WireFormat.Sign(Identity, WireFormat.DeviceText(UserId, DeviceId, AgreementKey)),
    };

    /// <summary>Seals <paramref name="text"/>, shares a new chain first when the member devices changed, and sends it.</summary>
    public async Task<JsonElement> SendAsync(Guid chatId, string text, IReadOnlyList<Guid>? attachmentIds = null)
    {
        var chat = await Chatter.GetAsync($"/api/v1/chats/{chatId}");
        var recipients = new List<(Guid UserId, string DeviceId, Jwk Agreement)>();
        foreach (var member in chat.GetProperty("members").EnumerateArray().Select(m => m.Id()).Order())
        {
            foreach (var device in await DevicesOfAsync(member))
            {
                if (!(member == UserId && device.DeviceId == DeviceId))
                {
                    recipients.Add((member, device.DeviceId, device.Agreement));
                }
            }
        }

        var names = string.Join("|", recipients.Select(r => $"{r.UserId}/{r.DeviceId}/{r.Agreement.X}").Order(StringComparer.Ordinal));
        if (!_outbound.TryGetValue(chatId, out var chain) || chain.Recipients != names)
        {
            chain = (WireFormat.B64(RandomNumberGenerator.GetBytes(16)), RandomNumberGenerator.GetBytes(32), 0, names);
            var state = new ChainState(chatId, chain.ChainId, 0, WireFormat.B64(chain.ChainKey));
            _inbound[chain.ChainId] = new Inbound(chatId, UserId, DeviceId, 0, chain.ChainKey);
            var shares = recipients.Select(r => new
            {
                userId = r.UserId,
                deviceId = r.DeviceId,
                type = "key_share",
                content = WireFormat.SealShare(UserId, DeviceId, r.UserId, r.DeviceId, Identity, Agreement, r.Agreement, state),
            }).ToList();
            if (shares.Count > 0)
            {
                await Chatter.Http.PostJson("/api/v1/devices/messages", new { senderDeviceId = DeviceId, messages = shares }).OkJsonAsync(201);
            }
        }

        var message = WireFormat.SealMessage(chatId, UserId, DeviceId, Identity, chain.ChainId, chain.Index,
            WireFormat.Hkdf(chain.ChainKey, "msg"), JsonSerializer.SerializeToUtf8Bytes(new { text }));
        _outbound[chatId] = chain with { ChainKey = WireFormat.Hkdf(chain.ChainKey, "next"), Index = chain.Index + 1 };
        return await Chatter.Http.PostJson($"/api/v1/chats/{chatId}/signals",
            new { kind = "message", clientId = Guid.NewGuid().ToString(), encrypted = message, attachmentIds = attachmentIds ?? [] }).OkJsonAsync(201);
    }

    /// <summary>Takes every pending to-device message (key shares), acknowledges them, and returns how many opened.</summary>
    public async Task<int> ReceiveSharesAsync()
    {
        var page = await Chatter.GetAsync($"/api/v1/me/devices/{DeviceId}/messages?limit=100");
        var opened = 0;
        var ids = new List<Guid>();
        foreach (var message in page.Items())
        {
            ids.Add(message.Id());
            try
            {
                ReceiveShare(message.GetProperty("senderId").GetGuid(), message.GetProperty("content").Deserialize<ShareEnvelope>(JsonSerializerOptions.Web)!,
                    await DevicesOfAsync(message.GetProperty("senderId").GetGuid()));
                opened++;
            }
            catch (CryptographicException)
            {
                // Refused: the messages it would open show "could not decrypt".
            }
        }

        if (ids.Count > 0)
        {
            using var ack = await Chatter.Http.PostAsJsonAsync($"/api/v1/me/devices/{DeviceId}/messages/ack", new { ids });
            Assert.True(ack.IsSuccessStatusCode);
        }

        return opened;
    }

    /// <summary>Opens a key share; refuses one from a device not on <paramref name="senderDevices"/> (the sender's list).</summary>
    public ChainState ReceiveShare(Guid senderId, ShareEnvelope envelope, IReadOnlyList<(string DeviceId, Jwk Identity, Jwk Agreement)> senderDevices)
    {
        var sender = senderDevices.FirstOrDefault(d => d.DeviceId == envelope.SenderDeviceId);
        if (sender.DeviceId is null)
        {
            throw new CryptographicException("key share from a device not on the sender's list");
        }

        var state = WireFormat.OpenShare(senderId, UserId, DeviceId, envelope, sender.Identity, sender.Agreement, Agreement);
        if (!_inbound.ContainsKey(state.ChainId))
        {
            _inbound[state.ChainId] = new Inbound(state.ChatId, senderId, envelope.SenderDeviceId, state.Index, WireFormat.FromB64(state.ChainKey));
        }

        return state;
    }

    /// <summary>The text of an encrypted signal, or null for "could not decrypt".</summary>
    public async Task<string?> TryDecryptAsync(JsonElement signal)
    {
        var senderId = signal.GetProperty("senderId").GetGuid();
        var message = signal.GetProperty("encrypted").Deserialize<EncryptedMessage>(JsonSerializerOptions.Web)!;
        return TryDecrypt(signal.GetProperty("chatId").GetGuid(), signal.Id(), senderId, message, await DevicesOfAsync(senderId));
    }

    public string? TryDecrypt(Guid chatId, Guid signalId, Guid senderId, EncryptedMessage message,
        IReadOnlyList<(string DeviceId, Jwk Identity, Jwk Agreement)> senderDevices)
    {
        var sender = senderDevices.FirstOrDefault(d => d.DeviceId == message.SenderDeviceId);
        if (sender.DeviceId is null || !_inbound.TryGetValue(message.ChainId, out var chain)
            || chain.ChatId != chatId || chain.SenderId != senderId || chain.SenderDeviceId != message.SenderDeviceId)
        {
            return null;
        }

        if (chain.Used.TryGetValue(message.Index, out var seenBy) && seenBy != signalId)
        {
            return null;
        }

        try
        {
            var plaintext = WireFormat.OpenMessage(chatId, senderId, message,
                sender.Identity, WireFormat.MessageKeyAt(chain.BaseChainKey, chain.BaseIndex, message.Index));
            chain.Used[message.Index] = signalId;
            return JsonDocument.Parse(plaintext).RootElement.GetProperty("text").GetString();
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The user's devices whose device signature verifies.</summary>
    public async Task<IReadOnlyList<(string DeviceId, Jwk Identity, Jwk Agreement)>> DevicesOfAsync(Guid userId)
    {
        var list = await Chatter.GetAsync($"/api/v1/users/{userId}/devices");
        var devices = new List<(string, Jwk, Jwk)>();
        foreach (var device in list.Items())
        {
            var identity = device.GetProperty("identityKey").Deserialize<Jwk>(JsonSerializerOptions.Web)!;
            var agreement = device.GetProperty("agreementKey").Deserialize<Jwk>(JsonSerializerOptions.Web)!;
            var deviceId = device.Str("deviceId");
            if (WireFormat.Verify(identity, device.Str("signature"), WireFormat.DeviceText(userId, deviceId, agreement)))
            {
                devices.Add((deviceId, identity, agreement));
            }
        }

        return devices;
    }

    public void Dispose()
    {
        Identity.Dispose();
        Agreement.Dispose();
    }

    private sealed record Inbound(Guid ChatId, Guid SenderId, string SenderDeviceId, long BaseIndex, byte[] BaseChainKey)
    {
        public Dictionary<long, Guid> Used { get; } = [];
    }
}
