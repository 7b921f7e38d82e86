using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PetitChat.Infrastructure.Sqlite;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.E2ee;

/// <summary>
/// Encrypted chats over HTTP with the C# test client (docs/e2ee.md): the server takes and gives
/// ciphertext only, refuses plaintext, and its store never holds a message's text.
/// </summary>
public class E2eeApiTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task An_encrypted_conversation_reaches_the_other_device_and_the_store_never_holds_its_text()
    {
        var (alice, bob) = await PairAsync();
        var chat = await CreateEncryptedAsync(alice.Chatter, "Secret plans", bob.Chatter);
        await using var bobEvents = await bob.Chatter.OpenEventsAsync();
        var text = "The launch code is " + Guid.NewGuid().ToString("N");

        var sent = await alice.SendAsync(chat, text);

        Assert.Equal(JsonValueKind.Null, sent.GetProperty("text").ValueKind);
        Assert.Equal(1, sent.GetProperty("encrypted").GetProperty("v").GetInt32());
        var share = await bobEvents.NextAsync(e => e.Type == "device_message");
        Assert.Equal(bob.DeviceId, share.Data.Str("deviceId"));
        var live = await bobEvents.NextAsync(e => e.Type == "signal");
        Assert.DoesNotContain(text, live.Data.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(1, await bob.ReceiveSharesAsync());
        Assert.Equal(text, await bob.TryDecryptAsync(live.Data));
        var reply = "Got it, " + Guid.NewGuid().ToString("N");
        await bob.SendAsync(chat, reply);
        await alice.ReceiveSharesAsync();
        var timeline = (await alice.Chatter.TimelineAsync(chat)).Items();
        Assert.Equal(reply, await alice.TryDecryptAsync(timeline[0]));
        Assert.Equal(text, await alice.TryDecryptAsync(timeline[1]));

        Assert.False(await StoreContainsAsync(text), "the store holds the first message's text");
        Assert.False(await StoreContainsAsync(reply), "the store holds the reply's text");
    }

    [Fact]
    public async Task Plaintext_in_an_encrypted_chat_is_a_400_naming_text_and_stores_nothing()
    {
        var (alice, bob) = await PairAsync();
        var chat = await CreateEncryptedAsync(alice.Chatter, "No plaintext", bob.Chatter);

        await alice.Chatter.PostRawAsync($"/api/v1/chats/{chat}/signals", new { text = "in clear", clientId = "c1" }).ProblemAsync(400, "text");

        Assert.DoesNotContain((await alice.Chatter.TimelineAsync(chat)).Items(), s => s.Str("kind") == "message");
    }

    [Fact]
    public async Task Ciphertext_in_a_plain_chat_is_a_400_naming_encrypted()
    {
        var (alice, bob) = await PairAsync();
        var chat = (await alice.Chatter.CreateGroupAsync("plain", bob.Chatter)).Id();
        var message = new EncryptedMessage(1, alice.DeviceId, "Y2hhaW4", 0, "aXZpdml2aXZpdml2", "Y2lwaGVy", "c2ln");

        await alice.Chatter.PostRawAsync($"/api/v1/chats/{chat}/signals", new { clientId = "c1", encrypted = message }).ProblemAsync(400, "encrypted");
    }

    [Fact]
    public async Task An_encrypted_chat_is_a_group_marked_encrypted_and_search_in_it_is_a_400_naming_the_chat()
    {
        var (alice, bob) = await PairAsync();
        var chat = await CreateEncryptedAsync(alice.Chatter, "Unsearchable", bob.Chatter);

        var dto = await bob.Chatter.GetAsync($"/api/v1/chats/{chat}");
        Assert.True(dto.GetProperty("encrypted").GetBoolean());
        Assert.Equal("group", dto.Str("kind"));
        await bob.Chatter.GetRawAsync($"/api/v1/chats/{chat}/search?q=anything").ProblemAsync(400, "chatId");
        await alice.Chatter.PostRawAsync("/api/v1/chats", new { memberIds = new[] { bob.UserId }, kind = "direct", encrypted = true })
            .ProblemAsync(400, "encrypted");
    }

    [Fact]
    public async Task A_removed_member_cannot_decrypt_what_is_sent_after_and_a_new_member_cannot_decrypt_what_came_before()
    {
        var (alice, bob) = await PairAsync();
        using var carol = await E2eeClient.RegisterAsync(await NewChatterAsync("carol"));
        var chat = await CreateEncryptedAsync(alice.Chatter, "Shrinking", bob.Chatter, carol.Chatter);
        var before = await alice.SendAsync(chat, "everyone reads this");
        await carol.ReceiveSharesAsync();
        Assert.Equal("everyone reads this", await carol.TryDecryptAsync(before));

        using (var removed = await alice.Chatter.DeleteRawAsync($"/api/v1/chats/{chat}/members/{carol.UserId}"))
        {
            Assert.True(removed.IsSuccessStatusCode);
        }

        var after = await alice.SendAsync(chat, "carol is gone");
        Assert.Equal(0, await carol.ReceiveSharesAsync());
        await bob.ReceiveSharesAsync();
        Assert.NotEqual(before.GetProperty("encrypted").Str("chainId"), after.GetProperty("encrypted").Str("chainId"));
        Assert.Null(await carol.TryDecryptAsync(after));
        Assert.Equal("carol is gone", await bob.TryDecryptAsync(after));

        using var dave = await E2eeClient.RegisterAsync(await NewChatterAsync("dave"));
        await alice.Chatter.Http.PostJson($"/api/v1/chats/{chat}/members", new { userId = dave.UserId }).OkJsonAsync();
        var welcome = await alice.SendAsync(chat, "welcome dave");
        await dave.ReceiveSharesAsync();
        Assert.Equal("welcome dave", await dave.TryDecryptAsync(welcome));
        Assert.Null(await dave.TryDecryptAsync(after));
    }

    [Fact]
    public async Task Editing_a_message_in_an_encrypted_chat_is_a_400_naming_text_and_changes_nothing()
    {
        var (alice, bob) = await PairAsync();
        var chat = await CreateEncryptedAsync(alice.Chatter, "No edits in clear", bob.Chatter);
        var sent = await alice.SendAsync(chat, "sealed words");

        await alice.Chatter.Http.PatchAsJsonAsync($"/api/v1/chats/{chat}/signals/{sent.Id()}", new { text = "words in clear" }).ProblemAsync(400, "text");

        var stored = Assert.Single((await alice.Chatter.TimelineAsync(chat)).Items(), s => s.Str("kind") == "message");
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("text").ValueKind);
        Assert.False(stored.TryGetProperty("editedAt", out var editedAt) && editedAt.ValueKind != JsonValueKind.Null, "the message was edited");
        Assert.False(await StoreContainsAsync("words in clear"), "the store holds the edit's text");
    }

    [Fact]
    public async Task What_a_member_sent_before_leaving_stays_readable_to_the_others()
    {
        var (alice, bob) = await PairAsync();
        var chat = await CreateEncryptedAsync(alice.Chatter, "Farewell", bob.Chatter);
        var goodbye = await bob.SendAsync(chat, "goodbye all");

        using (var left = await bob.Chatter.DeleteRawAsync($"/api/v1/chats/{chat}/members/{bob.UserId}"))
        {
            Assert.True(left.IsSuccessStatusCode);
        }

        // Alice and Bob share no chat now; Bob's keys still verify his share and his message.
        Assert.Equal(1, await alice.ReceiveSharesAsync());
        Assert.Equal("goodbye all", await alice.TryDecryptAsync(goodbye));
        await alice.Chatter.GetRawAsync($"/api/v1/users/{Guid.NewGuid()}/devices").ProblemAsync(404);
    }

    [Fact]
    public async Task Tampered_replayed_forged_and_unlisted_messages_could_not_be_decrypted()
    {
        var (alice, bob) = await PairAsync();
        var chat = await CreateEncryptedAsync(alice.Chatter, "Tamper", bob.Chatter);
        var first = await alice.SendAsync(chat, "first");
        await alice.SendAsync(chat, "second");
        await bob.ReceiveSharesAsync();
        var message = first.GetProperty("encrypted").Deserialize<EncryptedMessage>(JsonSerializerOptions.Web)!;
        var devices = await bob.DevicesOfAsync(alice.UserId);
        var (chatId, senderId) = (chat, alice.UserId);

        var bytes = WireFormat.FromB64(message.Ciphertext);
        bytes[3] ^= 1;
        Assert.Null(bob.TryDecrypt(chatId, Guid.NewGuid(), senderId, message with { Ciphertext = WireFormat.B64(bytes) }, devices));
        using (var mallory = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            Assert.Null(bob.TryDecrypt(chatId, Guid.NewGuid(), senderId, message with { Signature = WireFormat.Sign(mallory, "forged") }, devices));
        }

        Assert.Equal("first", bob.TryDecrypt(chatId, first.Id(), senderId, message, devices));
        // The same chain position under another signal id is a replay.
        Assert.Null(bob.TryDecrypt(chatId, Guid.NewGuid(), senderId, message, devices));
        // A sender device missing from the sender's list is refused, keys or not.
        Assert.Null(bob.TryDecrypt(chatId, first.Id(), senderId, message, []));

        // A key share from a device that is not on the sender's list.
        using var rogue = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rogueAgreement = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var forgedShare = WireFormat.SealShare(alice.UserId, "rogue", bob.UserId, bob.DeviceId, rogue, rogueAgreement, bob.AgreementKey,
            new ChainState(chat, "cm9ndWU", 0, WireFormat.B64(RandomNumberGenerator.GetBytes(32))));
        Assert.Throws<CryptographicException>(() => bob.ReceiveShare(alice.UserId, forgedShare, devices));
    }

    [Fact]
    public async Task Key_shares_wait_for_their_device_until_acknowledged()
    {
        var (alice, bob) = await PairAsync();
        var chat = await CreateEncryptedAsync(alice.Chatter, "Inbox", bob.Chatter);
        await alice.SendAsync(chat, "hello");

        var pending = (await bob.Chatter.GetAsync($"/api/v1/me/devices/{bob.DeviceId}/messages")).Items();
        var share = Assert.Single(pending);
        Assert.Equal("key_share", share.Str("type"));
        Assert.Equal(alice.DeviceId, share.Str("senderDeviceId"));
        Assert.Single((await bob.Chatter.GetAsync($"/api/v1/me/devices/{bob.DeviceId}/messages")).Items());

        Assert.Equal(1, await bob.ReceiveSharesAsync());
        Assert.Empty((await bob.Chatter.GetAsync($"/api/v1/me/devices/{bob.DeviceId}/messages")).Items());
        // Someone else's device: 404, never its messages.
        await alice.Chatter.GetRawAsync($"/api/v1/me/devices/{bob.DeviceId}/messages").ProblemAsync(404);
    }

    [Fact]
    public async Task Devices_are_refused_with_bad_signatures_private_keys_or_changed_keys_and_partners_hear_of_changes()
    {
        var (alice, bob) = await PairAsync();
        await CreateEncryptedAsync(alice.Chatter, "Devices", bob.Chatter);
        await using var bobEvents = await bob.Chatter.OpenEventsAsync();
        await using var aliceEvents = await alice.Chatter.OpenEventsAsync();
        using var other = await E2eeClient.RegisterAsync(bob.Chatter);

        var changed = await bobEvents.NextAsync(e => e.Type == "devices");
        Assert.Equal(bob.UserId, changed.Data.GetProperty("userId").GetGuid());
        // The chat partner hears of it too.
        var toPartner = await aliceEvents.NextAsync(e => e.Type == "devices");
        Assert.Equal(bob.UserId, toPartner.Data.GetProperty("userId").GetGuid());
        var forged = new { name = "x", identityKey = alice.IdentityKey, agreementKey = alice.AgreementKey, signature = WireFormat.B64(new byte[64]) };
        using (var bad = await alice.Chatter.Http.PutAsJsonAsync("/api/v1/me/devices/forged", forged))
        {
            await Task.FromResult(bad).ProblemAsync(400, "signature");
        }

        var withPrivate = new
        {
            name = "x",
            identityKey = Jwk.Private(alice.Identity.ExportParameters(true)),
            agreementKey = alice.AgreementKey,
            signature = WireFormat.Sign(alice.Identity, WireFormat.DeviceText(alice.UserId, "leaky", alice.AgreementKey)),
        };
        await Task.FromResult(await alice.Chatter.Http.PutAsJsonAsync("/api/v1/me/devices/leaky", withPrivate)).ProblemAsync(400, "identityKey");
        // Same id, other keys: a conflict (new keys are a new device).
        await Task.FromResult(await alice.Chatter.Http.PutAsJsonAsync($"/api/v1/me/devices/{alice.DeviceId}", DeviceRequestFor(other, alice)))
            .ProblemAsync(409);
        // The same keys again: 200, nothing changes.
        await alice.Chatter.Http.PutAsJsonAsync($"/api/v1/me/devices/{alice.DeviceId}", alice.DeviceRequest()).OkJsonAsync();
        Assert.Equal(2, (await alice.Chatter.GetAsync($"/api/v1/users/{bob.UserId}/devices")).Items().Length);

        using (var deleted = await bob.Chatter.DeleteRawAsync($"/api/v1/me/devices/{other.DeviceId}"))
        {
            Assert.Equal(204, (int)deleted.StatusCode);
        }

        Assert.Single((await alice.Chatter.GetAsync($"/api/v1/users/{bob.UserId}/devices")).Items());
    }

    [Fact]
    public async Task Files_in_an_encrypted_chat_are_never_deduplicated_nor_previewed()
    {
        var (alice, bob) = await PairAsync();
        var chat = await CreateEncryptedAsync(alice.Chatter, "Files", bob.Chatter);
        var image = TestImages.Png();

        var first = await UploadAsync(alice.Chatter, chat, image);
        var second = await UploadAsync(alice.Chatter, chat, image);

        Assert.NotEqual(first.Str("sha256"), second.Str("sha256"));
        Assert.Equal("application/octet-stream", first.Str("contentType"));
        await alice.Chatter.GetRawAsync($"/api/v1/files/{first.Id()}/preview").ProblemAsync(404);
    }

    [Fact]
    public async Task Global_search_leaves_out_encrypted_chats_and_their_files()
    {
        var (alice, bob) = await PairAsync();
        var sealedChat = await CreateEncryptedAsync(alice.Chatter, "Sealed files", bob.Chatter);
        var plainChat = (await alice.Chatter.CreateGroupAsync("Plain files", bob.Chatter)).Id();
        var sealedFile = await UploadAsync(alice.Chatter, sealedChat, RandomNumberGenerator.GetBytes(64));
        var sealedMessage = await alice.SendAsync(sealedChat, "sealed with a file", [sealedFile.Id()]);
        var plainFile = await UploadAsync(alice.Chatter, plainChat, RandomNumberGenerator.GetBytes(64));
        var plainMessage = await alice.Chatter.Http.PostJson($"/api/v1/chats/{plainChat}/signals",
            new { kind = "message", clientId = "f1", attachmentIds = new[] { plainFile.Id() } }).OkJsonAsync(201);

        // The plain chat's file is found once indexed; the sealed one, sent before it, never is.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        JsonElement[] hits;
        while ((hits = (await alice.Chatter.GetAsync("/api/v1/search?has=file&limit=100")).Items()).All(h => h.GetProperty("signalId").GetGuid() != plainMessage.Id()))
        {
            Assert.False(timeout.IsCancellationRequested, "the plain chat's file was not found within 15 s");
            // Searches are rate-limited per user (60 a minute by default).
            await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
        }

        Assert.DoesNotContain(hits, h => h.GetProperty("chatId").GetGuid() == sealedChat || h.GetProperty("signalId").GetGuid() == sealedMessage.Id());
    }

    /// <summary>Whether the store's bytes contain <paramref name="text"/> (UTF-8): the SQLite file and its WAL.</summary>
    protected virtual Task<bool> StoreContainsAsync(string text)
    {
        var path = Server.Services.GetRequiredService<IOptions<SqliteStoreOptions>>().Value.Path;
        var needle = Encoding.UTF8.GetBytes(text);
        var found = false;
        foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            found |= copy.ToArray().AsSpan().IndexOf(needle) >= 0;
        }

        return Task.FromResult(found);
    }

    private async Task<(E2eeClient Alice, E2eeClient Bob)> PairAsync() =>
        (await E2eeClient.RegisterAsync(await NewChatterAsync("alice")), await E2eeClient.RegisterAsync(await NewChatterAsync("bob")));

    private static async Task<Guid> CreateEncryptedAsync(Chatter creator, string name, params Chatter[] others) =>
        (await creator.Http.PostJson("/api/v1/chats", new { name, memberIds = others.Select(o => o.Id), encrypted = true }).OkJsonAsync(201)).Id();

    private static Task<JsonElement> UploadAsync(Chatter who, Guid chatId, byte[] bytes)
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, "file", "sealed.bin");
        return who.Http.PostAsync(new Uri($"/api/v1/chats/{chatId}/files", UriKind.Relative), content).OkJsonAsync(201);
    }

    /// <summary><paramref name="keys"/>' keys presented under <paramref name="owner"/>'s device id, correctly signed.</summary>
    private static object DeviceRequestFor(E2eeClient keys, E2eeClient owner) => new
    {
        name = "swap",
        identityKey = keys.IdentityKey,
        agreementKey = keys.AgreementKey,
        signature = WireFormat.Sign(keys.Identity, WireFormat.DeviceText(owner.UserId, owner.DeviceId, keys.AgreementKey)),
    };
}
