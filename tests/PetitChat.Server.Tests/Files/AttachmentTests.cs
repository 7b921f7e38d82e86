using System.Net.Http.Json;
using System.Text.Json;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Files;

public sealed class AttachmentTests(S3FilesServer server) : FilesTest(server)
{
    private static Task<HttpResponseMessage> SendRawAsync(Chatter who, Guid chat, string? text, params Guid[] attachmentIds) =>
        who.Http.PostJson($"/api/v1/chats/{chat}/signals",
            new { kind = "message", text, clientId = Guid.NewGuid().ToString(), attachmentIds });

    [Fact]
    public async Task A_message_carries_its_attachments_into_the_timeline()
    {
        var (alice, bob, chat) = await PairAsync();
        var photo = await UploadAsync(alice, chat, TestImages.Png(200, 100), "cat.png");
        var notes = await UploadAsync(alice, chat, "meeting notes"u8.ToArray(), "notes.txt");

        var sent = await SendRawAsync(alice, chat, null, photo.Id(), notes.Id()).OkJsonAsync(201);

        Assert.Equal([photo.Id(), notes.Id()], sent.GetProperty("attachmentIds").EnumerateArray().Select(e => e.GetGuid()));
        var timeline = await bob.TimelineAsync(chat);
        var message = timeline.Items().Single(s => s.Id() == sent.Id());
        var attachments = message.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(["cat.png", "notes.txt"], attachments.Select(a => a.Str("name")));
        Assert.Equal(200, attachments[0].GetProperty("width").GetInt32());
        Assert.Equal(attachments[0].Str("contentUrl"), attachments[0].Str("loadUrl"));
        Assert.Equal(JsonValueKind.Null, attachments[1].GetProperty("loadUrl").ValueKind);
    }

    [Fact]
    public async Task Image_settings_pick_what_the_timeline_says_to_load()
    {
        var (alice, bob, chat) = await PairAsync();
        var photo = await UploadAsync(alice, chat, TestImages.Png(), "cat.png");
        await SendRawAsync(alice, chat, "look", photo.Id()).OkJsonAsync(201);

        await bob.Http.PutAsJsonAsync("/api/v1/me/settings", new { autoLoadImages = true, lowQualityImages = true }).OkJsonAsync();
        Assert.Equal(photo.Str("previewUrl"), (await LoadUrlAsync(bob, chat)).GetString());

        await bob.Http.PutAsJsonAsync("/api/v1/me/settings", new { autoLoadImages = false, lowQualityImages = true }).OkJsonAsync();
        Assert.Equal(JsonValueKind.Null, (await LoadUrlAsync(bob, chat)).ValueKind);

        // Alice's settings are her own.
        Assert.Equal(photo.Str("contentUrl"), (await LoadUrlAsync(alice, chat)).GetString());
    }

    [Fact]
    public async Task Settings_start_at_auto_load_in_full_quality_and_need_both_fields()
    {
        var alice = await NewChatterAsync();

        var settings = await alice.GetAsync("/api/v1/me/settings");
        Assert.True(settings.GetProperty("autoLoadImages").GetBoolean());
        Assert.False(settings.GetProperty("lowQualityImages").GetBoolean());

        await alice.Http.PutAsJsonAsync("/api/v1/me/settings", new { autoLoadImages = false }).ProblemAsync(400, "lowQualityImages");
        await alice.Http.PutAsJsonAsync("/api/v1/me/settings", new { autoLoadImages = "yes", lowQualityImages = true }).ProblemAsync(400, "autoLoadImages");
        Assert.True((await alice.GetAsync("/api/v1/me/settings")).GetProperty("autoLoadImages").GetBoolean());

        await alice.Http.PutAsJsonAsync("/api/v1/me/settings", new { autoLoadImages = false, lowQualityImages = true }).OkJsonAsync();
        settings = await alice.GetAsync("/api/v1/me/settings");
        Assert.False(settings.GetProperty("autoLoadImages").GetBoolean());
        Assert.True(settings.GetProperty("lowQualityImages").GetBoolean());
    }

    [Fact]
    public async Task Only_the_senders_own_files_of_the_same_chat_can_be_attached()
    {
        var (alice, bob, chat) = await PairAsync();
        var (carol, _, otherChat) = await PairAsync();
        var bobsFile = await UploadAsync(bob, chat, RandomBytes(20));
        var elsewhere = await UploadAsync(carol, otherChat, RandomBytes(20));
        var mine = await UploadAsync(alice, chat, RandomBytes(20));

        await SendRawAsync(alice, chat, "hi", bobsFile.Id()).ProblemAsync(400, "attachmentIds");
        await SendRawAsync(carol, otherChat, "hi", mine.Id()).ProblemAsync(400, "attachmentIds");
        await SendRawAsync(alice, chat, "hi", Guid.NewGuid()).ProblemAsync(400, "attachmentIds");
        await SendRawAsync(alice, chat, "hi", mine.Id(), mine.Id()).ProblemAsync(400, "attachmentIds");
        await SendRawAsync(carol, otherChat, "hi", elsewhere.Id(), Guid.NewGuid()).ProblemAsync(400, "attachmentIds");

        var timeline = await alice.TimelineAsync(chat);
        Assert.DoesNotContain(timeline.Items(), s => s.Str("kind") == "message");
    }

    [Fact]
    public async Task A_message_has_at_most_the_configured_number_of_attachments()
    {
        var (alice, _, chat) = await PairAsync();
        var ids = new List<Guid>();
        for (var i = 0; i <= S3FilesServer.MaxAttachments; i++)
        {
            ids.Add((await UploadAsync(alice, chat, RandomBytes(10))).Id());
        }

        await SendRawAsync(alice, chat, "many", [.. ids]).ProblemAsync(400, "attachmentIds");
        await SendRawAsync(alice, chat, "enough", [.. ids[..S3FilesServer.MaxAttachments]]).OkJsonAsync(201);
    }

    [Fact]
    public async Task A_deleted_file_drops_out_of_the_message_that_carried_it()
    {
        var (alice, bob, chat) = await PairAsync();
        var file = await UploadAsync(alice, chat, RandomBytes(30));
        var sent = await SendRawAsync(alice, chat, "soon gone", file.Id()).OkJsonAsync(201);

        (await alice.DeleteRawAsync($"/api/v1/files/{file.Id()}")).Dispose();

        var message = (await bob.TimelineAsync(chat)).Items().Single(s => s.Id() == sent.Id());
        Assert.Equal(0, message.GetProperty("attachments").GetArrayLength());
        Assert.Equal(file.Id(), message.GetProperty("attachmentIds")[0].GetGuid());
    }

    [Fact]
    public async Task Deleting_a_message_deletes_its_files_and_their_bytes_go_with_the_last_reference()
    {
        var (alice, bob, chat) = await PairAsync();
        var bytes = RandomBytes(2_000);
        var alices = await UploadAsync(alice, chat, bytes);
        var bobs = await UploadAsync(bob, chat, bytes);
        var first = await SendRawAsync(alice, chat, "mine", alices.Id()).OkJsonAsync(201);
        var second = await SendRawAsync(bob, chat, "the same bytes", bobs.Id()).OkJsonAsync(201);

        Assert.Equal(204, (int)(await alice.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{first.Id()}")).StatusCode);

        await bob.GetRawAsync($"/api/v1/files/{alices.Id()}").ProblemAsync(404);
        Assert.Equal(bytes, await BytesAsync(bob, bobs.Str("contentUrl")));
        Assert.Single(await ObjectsOfAsync(Sha256(bytes)));
        var tombstone = (await bob.TimelineAsync(chat)).Items().Single(s => s.Id() == first.Id());
        Assert.Empty(tombstone.GetProperty("attachmentIds").EnumerateArray());

        Assert.Equal(204, (int)(await bob.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{second.Id()}")).StatusCode);

        Assert.Empty(await ObjectsOfAsync(Sha256(bytes)));
        Assert.Empty((await bob.GetAsync($"/api/v1/chats/{chat}/files")).Items());
    }

    private static async Task<JsonElement> LoadUrlAsync(Chatter who, Guid chat)
    {
        var timeline = await who.TimelineAsync(chat);
        var message = timeline.Items().First(s => s.Str("kind") == "message");
        return message.GetProperty("attachments")[0].GetProperty("loadUrl");
    }
}
