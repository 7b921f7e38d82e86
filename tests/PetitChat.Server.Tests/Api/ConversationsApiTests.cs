using System.Net.Http.Json;
using System.Text.Json;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

/// <summary>Edit, delete, reply, mentions, typing and rename over HTTP and the live stream (issue 12).</summary>
public class ConversationsApiTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task Edit_changes_the_text_with_editedAt_and_tells_the_members_only_the_sender_may()
    {
        var (alice, bob, carol) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("carol"));
        var chat = (await alice.CreateGroupAsync("Edits", bob)).Id();
        await using var bobs = await bob.OpenEventsAsync();
        var sent = await alice.SendAsync(chat, "helo");

        var edited = await Patch(alice, chat, sent.Id(), new { text = "hello" }).OkJsonAsync();

        Assert.Equal("hello", edited.Str("text"));
        Assert.Equal(JsonValueKind.String, edited.GetProperty("editedAt").ValueKind);
        var live = await bobs.NextAsync(e => e.Type == "signal_edited");
        Assert.Equal((sent.Id(), "hello"), (live.Data.Id(), live.Data.Str("text")));
        Assert.Equal("hello", (await bob.TimelineAsync(chat)).Items()[0].Str("text"));
        await Patch(bob, chat, sent.Id(), new { text = "mine now" }).ProblemAsync(403);
        await Patch(carol, chat, sent.Id(), new { text = "hi" }).ProblemAsync(404);
        await Patch(alice, chat, sent.Id(), new { text = "  " }).ProblemAsync(400, "text");
        await Patch(alice, chat, sent.Id(), new { text = new string('a', 4001) }).ProblemAsync(400, "text");
        await Patch(alice, chat, Guid.NewGuid(), new { text = "hi" }).ProblemAsync(404);
        Assert.Equal("hello", (await bob.TimelineAsync(chat)).Items()[0].Str("text"));
        var call = await Send(alice, chat, new { kind = "call_started", clientId = "call" }).OkJsonAsync(201);
        await Patch(alice, chat, call.Id(), new { text = "not a message" }).ProblemAsync(400, "signalId");
    }

    [Fact]
    public async Task An_administrator_who_is_a_member_deletes_anyones_message_and_a_direct_partner_does_not()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var admin = await Chatter.SignInAsync(await Server.ClientForAsync("admin"), "admin");
        var chat = (await alice.CreateGroupAsync("Moderated", bob)).Id();
        var direct = (await alice.CreateDirectAsync(bob)).Id();
        var bobs = await bob.SendAsync(chat, "spam");
        var inDirect = await bob.SendAsync(direct, "just us");

        await admin.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{bobs.Id()}").ProblemAsync(404);
        (await alice.PostRawAsync($"/api/v1/chats/{chat}/members", new { userId = admin.Id })).EnsureSuccessStatusCode();
        Assert.Equal(204, (int)(await admin.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{bobs.Id()}")).StatusCode);
        await alice.DeleteRawAsync($"/api/v1/chats/{direct}/signals/{inDirect.Id()}").ProblemAsync(403);

        Assert.Equal(JsonValueKind.String, (await alice.TimelineAsync(chat)).Items().Single(s => s.Id() == bobs.Id()).GetProperty("deletedAt").ValueKind);
        Assert.Equal("just us", (await alice.TimelineAsync(direct)).Items().Single(s => s.Id() == inDirect.Id()).Str("text"));
    }

    [Fact]
    public async Task Delete_leaves_a_tombstone_and_a_second_delete_changes_nothing()
    {
        var (alice, bob, carol) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("carol"));
        var chat = (await alice.CreateGroupAsync("Deletes", bob)).Id();
        await using var bobs = await bob.OpenEventsAsync();
        var mine = await alice.SendAsync(chat, "regrettable");
        var bobsOwn = await bob.SendAsync(chat, "off topic");
        (await bob.PutRawAsync($"/api/v1/chats/{chat}/signals/{mine.Id()}/reactions/%F0%9F%91%8D")).EnsureSuccessStatusCode();

        await bob.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{mine.Id()}").ProblemAsync(403);
        await carol.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{mine.Id()}").ProblemAsync(404);
        Assert.Equal(204, (int)(await alice.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{mine.Id()}")).StatusCode);
        // The group's creator removes someone else's message too.
        Assert.Equal(204, (int)(await alice.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{bobsOwn.Id()}")).StatusCode);

        var live = await bobs.NextAsync(e => e.Type == "signal_deleted");
        Assert.Equal((chat, mine.Id()), (live.Data.GetProperty("chatId").GetGuid(), live.Data.GetProperty("signalId").GetGuid()));
        var tombstone = (await bob.TimelineAsync(chat)).Items().Single(s => s.Id() == mine.Id());
        Assert.Equal(JsonValueKind.Null, tombstone.GetProperty("text").ValueKind);
        Assert.Equal(JsonValueKind.String, tombstone.GetProperty("deletedAt").ValueKind);
        Assert.Empty(tombstone.GetProperty("reactions").EnumerateArray());
        Assert.Empty(tombstone.GetProperty("attachmentIds").EnumerateArray());
        var deletedAt = tombstone.GetProperty("deletedAt").GetDateTimeOffset();

        Assert.Equal(204, (int)(await alice.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{mine.Id()}")).StatusCode);
        await Patch(alice, chat, mine.Id(), new { text = "back" }).ProblemAsync(400, "signalId");
        var again = (await bob.TimelineAsync(chat)).Items().Single(s => s.Id() == mine.Id());
        Assert.Equal(deletedAt, again.GetProperty("deletedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_reply_quotes_the_original_as_it_is_now()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateGroupAsync("Replies", bob)).Id();
        var other = (await alice.CreateGroupAsync("Elsewhere", bob)).Id();
        var original = await bob.SendAsync(chat, "lunch at noon?");

        var reply = await Send(alice, chat, new { text = "yes", clientId = "r1", replyToId = original.Id() }).OkJsonAsync(201);

        var quote = reply.GetProperty("replyTo");
        Assert.Equal((original.Id(), bob.Id, "lunch at noon?", false),
            (quote.Id(), quote.GetProperty("senderId").GetGuid(), quote.Str("text"), quote.GetProperty("deleted").GetBoolean()));
        await Patch(bob, chat, original.Id(), new { text = "lunch at one?" }).OkJsonAsync();
        Assert.Equal("lunch at one?", ReplyIn(await alice.TimelineAsync(chat), reply.Id()).Str("text"));
        await bob.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{original.Id()}");
        var gone = ReplyIn(await alice.TimelineAsync(chat), reply.Id());
        Assert.True(gone.GetProperty("deleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, gone.GetProperty("text").ValueKind);
        await Send(alice, other, new { text = "wrong chat", clientId = "r2", replyToId = reply.Id() }).ProblemAsync(400, "replyToId");
        await Send(alice, chat, new { text = "to a tombstone", clientId = "r3", replyToId = original.Id() }).ProblemAsync(400, "replyToId");
    }

    [Fact]
    public async Task Mentions_of_members_are_parsed_and_counted_as_unread_mentions()
    {
        var (alice, bob, carol) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("carol"));
        var chat = (await alice.CreateGroupAsync("Mentions", bob, carol)).Id();

        var one = await alice.SendAsync(chat, $"thanks @{bob.Username}, and @nobody-here");
        var all = await alice.SendAsync(chat, "standup now @all");

        Assert.Equal([bob.Id], Mentions(one));
        Assert.Equal(new[] { bob.Id, carol.Id }.Order(), Mentions(all).Order());
        Assert.Equal(2, (await bob.GetAsync($"/api/v1/chats/{chat}")).GetProperty("unreadMentions").GetInt32());
        Assert.Equal(1, (await carol.GetAsync($"/api/v1/chats/{chat}")).GetProperty("unreadMentions").GetInt32());
        Assert.Equal(0, (await alice.GetAsync($"/api/v1/chats/{chat}")).GetProperty("unreadMentions").GetInt32());
        await bob.MarkAsync(chat, all.Id(), "read");
        Assert.Equal(0, (await bob.GetAsync($"/api/v1/chats/{chat}")).GetProperty("unreadMentions").GetInt32());
    }

    [Fact]
    public async Task Typing_reaches_the_other_members_only_without_an_id_and_is_never_replayed()
    {
        var (alice, bob, carol) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("carol"));
        var chat = (await alice.CreateGroupAsync("Typing", bob)).Id();
        var carolsChat = (await alice.CreateGroupAsync("Carol's", carol)).Id();
        await using var bobs = await bob.OpenEventsAsync();
        await using var carols = await carol.OpenEventsAsync();
        var first = await alice.SendAsync(chat, "first");
        var beforeTyping = (await bobs.NextAsync(e => e.Type == "signal" && e.Data.Id() == first.Id())).Id!;

        // No body at all, as `curl -X POST .../typing` sends it: the body is optional.
        using (var bare = await alice.Http.PostAsync(new Uri($"/api/v1/chats/{chat}/typing", UriKind.Relative), content: null))
        {
            Assert.Equal(204, (int)bare.StatusCode);
        }

        var typing = await bobs.NextAsync(e => e.Type == "typing");
        Assert.Null(typing.Id);
        Assert.Equal((chat, alice.Id), (typing.Data.GetProperty("chatId").GetGuid(), typing.Data.GetProperty("userId").GetGuid()));
        Assert.True(typing.Data.GetProperty("until").GetDateTimeOffset() > first.GetProperty("createdAt").GetDateTimeOffset());

        // Carol, not a member, gets the next event of her own chat and no typing before it.
        var toCarol = await alice.SendAsync(carolsChat, "hello carol");
        var carolsNext = await carols.NextAsync(e => e.Type is not ("chat" or "presence"));
        Assert.Equal(("signal", toCarol.Id()), (carolsNext.Type, carolsNext.Data.Id()));
        await carol.PostRawAsync($"/api/v1/chats/{chat}/typing", new { }).ProblemAsync(404);
        await alice.PostRawAsync($"/api/v1/chats/{chat}/typing", new { threadId = Guid.NewGuid() }).ProblemAsync(400, "threadId");

        // Resuming from before the typing event replays the message after it, and nothing else.
        var after = await alice.SendAsync(chat, "after typing");
        await using var resumed = await bob.OpenEventsAsync(beforeTyping);
        var replayed = await resumed.NextAsync();
        Assert.Equal(("signal", after.Id()), (replayed.Type, replayed.Data.Id()));
    }

    [Fact]
    public async Task Resume_replays_a_missed_edit_and_delete()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateGroupAsync("Resume", bob)).Id();
        string lastId;
        var sent = Guid.Empty;
        await using (var bobs = await bob.OpenEventsAsync())
        {
            sent = (await alice.SendAsync(chat, "draft")).Id();
            lastId = (await bobs.NextAsync(e => e.Type == "signal" && e.Data.Id() == sent)).Id!;
        }

        await Patch(alice, chat, sent, new { text = "final" }).OkJsonAsync();
        await alice.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{sent}");

        await using var resumed = await bob.OpenEventsAsync(lastId);
        var edited = await resumed.NextAsync();
        var deleted = await resumed.NextAsync();
        Assert.Equal(("signal_edited", "final"), (edited.Type, edited.Data.Str("text")));
        Assert.Equal(("signal_deleted", sent), (deleted.Type, deleted.Data.GetProperty("signalId").GetGuid()));
    }

    [Fact]
    public async Task Rename_renames_a_group_with_a_chat_renamed_signal()
    {
        var (alice, bob, carol) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("carol"));
        var chat = (await alice.CreateGroupAsync("Before", bob)).Id();
        var direct = (await alice.CreateDirectAsync(carol)).Id();

        var renamed = await Rename(bob, chat, new { name = " After " }).OkJsonAsync();

        Assert.Equal("After", renamed.Str("name"));
        var signal = (await alice.TimelineAsync(chat)).Items()[0];
        Assert.Equal(("chat_renamed", "Before", "After", bob.Id),
            (signal.Str("kind"), signal.Str("oldName"), signal.Str("newName"), signal.GetProperty("senderId").GetGuid()));
        await Rename(alice, chat, new { name = new string('n', 101) }).ProblemAsync(400, "name");
        await Rename(alice, chat, new { name = "" }).ProblemAsync(400, "name");
        await Rename(alice, direct, new { name = "Us" }).ProblemAsync(400, "name");
        await Rename(carol, chat, new { name = "Mine" }).ProblemAsync(404);
        Assert.Equal("After", (await alice.GetAsync($"/api/v1/chats/{chat}")).Str("name"));
    }

    [Fact]
    public async Task Search_follows_edits_and_deletes()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateGroupAsync("Search", bob)).Id();
        var sent = await alice.SendAsync(chat, "pineapple pizza");
        await WaitForSearchAsync(bob, chat, "pineapple", 1);

        await Patch(alice, chat, sent.Id(), new { text = "mango pizza" }).OkJsonAsync();
        await WaitForSearchAsync(bob, chat, "mango", 1);
        await WaitForSearchAsync(bob, chat, "pineapple", 0);

        await alice.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{sent.Id()}");
        await WaitForSearchAsync(bob, chat, "pizza", 0);
    }

    private static Task<HttpResponseMessage> Patch(Chatter who, Guid chatId, Guid signalId, object body) =>
        who.Http.PatchAsJsonAsync($"/api/v1/chats/{chatId}/signals/{signalId}", body);

    private static Task<HttpResponseMessage> Send(Chatter who, Guid chatId, object body) =>
        who.Http.PostAsJsonAsync($"/api/v1/chats/{chatId}/signals", body);

    private static Task<HttpResponseMessage> Rename(Chatter who, Guid chatId, object body) =>
        who.Http.PatchAsJsonAsync($"/api/v1/chats/{chatId}", body);

    private static JsonElement ReplyIn(JsonElement timeline, Guid replyId) =>
        timeline.Items().Single(s => s.Id() == replyId).GetProperty("replyTo");

    private static List<Guid> Mentions(JsonElement signal) => [.. signal.GetProperty("mentions").EnumerateArray().Select(m => m.GetGuid())];

    /// <summary>Polls the search until it finds exactly <paramref name="count"/> messages, for at most ten seconds.</summary>
    private static async Task WaitForSearchAsync(Chatter who, Guid chatId, string q, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var hits = (await who.GetAsync($"/api/v1/chats/{chatId}/search?q={q}")).Items();
            if (hits.Length == count)
            {
                return;
            }

            Assert.False(timeout.IsCancellationRequested, $"search for '{q}' found {hits.Length} messages, not {count}, within 10 s");
            // Not faster: searches are rate-limited per user (RateLimits:Searches, 60 a minute by default).
            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
    }
}
