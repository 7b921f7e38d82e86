using System.Net.Http.Json;
using System.Text.Json;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

/// <summary>Thread replies over HTTP and the live stream (issue 12): out of the timeline, counted on the root, paged apart.</summary>
public class ThreadsApiTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task A_thread_reply_stays_out_of_the_timeline_and_the_root_shows_its_count_live()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateGroupAsync("Threads", bob)).Id();
        var root = await alice.SendAsync(chat, "plan for friday?");
        await using var alices = await alice.OpenEventsAsync();

        var reply = await Send(bob, chat, new { text = "pizza", clientId = "t1", threadId = root.Id() }).OkJsonAsync(201);

        Assert.Equal(root.Id(), reply.GetProperty("threadId").GetGuid());
        var live = await alices.NextAsync(e => e.Type == "signal");
        Assert.Equal((reply.Id(), root.Id()), (live.Data.Id(), live.Data.GetProperty("threadId").GetGuid()));
        var edited = await alices.NextAsync(e => e.Type == "signal_edited");
        Assert.Equal(root.Id(), edited.Data.Id());
        AssertThread(edited.Data, 1, alice.Id, bob.Id);
        var timeline = (await alice.TimelineAsync(chat)).Items();
        Assert.DoesNotContain(timeline, s => s.Id() == reply.Id());
        AssertThread(timeline.Single(s => s.Id() == root.Id()), 1, alice.Id, bob.Id);
        var chatView = await alice.GetAsync($"/api/v1/chats/{chat}");
        Assert.Equal(root.Id(), chatView.GetProperty("lastSignal").Id());
        Assert.Equal(0, chatView.GetProperty("unreadCount").GetInt32());

        var thread = await alice.GetAsync($"/api/v1/chats/{chat}/signals/{root.Id()}/thread");
        Assert.Equal(root.Id(), thread.GetProperty("root").Id());
        Assert.Equal([reply.Id()], thread.Items().Select(s => s.Id()));
        Assert.Equal(JsonValueKind.Null, thread.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Twenty_replies_sent_at_once_all_count_on_the_root()
    {
        var (alice, bob, carol) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("carol"));
        var chat = (await alice.CreateGroupAsync("Busy thread", bob, carol)).Id();
        var root = await alice.SendAsync(chat, "who is in?");
        Chatter[] repliers = [bob, carol, alice];

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            Send(repliers[i % 3], chat, new { text = $"me {i}", clientId = $"c{i}", threadId = root.Id() }).OkJsonAsync(201))));

        var shown = (await bob.TimelineAsync(chat)).Items().Single(s => s.Id() == root.Id());
        AssertThread(shown, 20, alice.Id, bob.Id, carol.Id);
        var thread = await carol.GetAsync($"/api/v1/chats/{chat}/signals/{root.Id()}/thread?limit=100");
        Assert.Equal(replies.Select(r => r.Id()).Order(), thread.Items().Select(s => s.Id()).Order());
        Assert.Equal(
            replies.Max(r => r.GetProperty("createdAt").GetDateTimeOffset()),
            shown.GetProperty("thread").GetProperty("lastReplyAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_threadId_must_be_a_root_message_of_the_same_chat()
    {
        var (alice, bob, carol) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("carol"));
        var chat = (await alice.CreateGroupAsync("Roots", bob)).Id();
        var other = (await alice.CreateGroupAsync("Elsewhere", bob)).Id();
        var root = await alice.SendAsync(chat, "root");
        var gone = await alice.SendAsync(chat, "soon deleted");
        await alice.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{gone.Id()}");
        var reply = await Send(bob, chat, new { text = "reply", clientId = "r", threadId = root.Id() }).OkJsonAsync(201);

        await Send(bob, chat, new { text = "nested", clientId = "b1", threadId = reply.Id() }).ProblemAsync(400, "threadId");
        await Send(bob, other, new { text = "wrong chat", clientId = "b2", threadId = root.Id() }).ProblemAsync(400, "threadId");
        await Send(bob, chat, new { text = "to a tombstone", clientId = "b3", threadId = gone.Id() }).ProblemAsync(400, "threadId");
        await Send(bob, chat, new { text = "nothing", clientId = "b4", threadId = Guid.NewGuid() }).ProblemAsync(400, "threadId");
        await Send(carol, chat, new { text = "not mine", clientId = "b5", threadId = root.Id() }).ProblemAsync(404);
        await carol.GetRawAsync($"/api/v1/chats/{chat}/signals/{root.Id()}/thread").ProblemAsync(404);
        await alice.GetRawAsync($"/api/v1/chats/{chat}/signals/{Guid.NewGuid()}/thread").ProblemAsync(404);
        await alice.GetRawAsync($"/api/v1/chats/{chat}/signals/{reply.Id()}/thread").ProblemAsync(404);
        await alice.GetRawAsync($"/api/v1/chats/{chat}/signals/{root.Id()}/thread?limit=0").ProblemAsync(400, "limit");
        await alice.GetRawAsync($"/api/v1/chats/{chat}/signals/{root.Id()}/thread?limit=101").ProblemAsync(400, "limit");
        await alice.PostRawAsync($"/api/v1/chats/{chat}/receipts", new { signalId = reply.Id(), state = "read" }).ProblemAsync(400, "signalId");
        var thread = await alice.GetAsync($"/api/v1/chats/{chat}/signals/{root.Id()}/thread");
        Assert.Single(thread.Items());
        AssertThread(thread.GetProperty("root"), 1, alice.Id, bob.Id);
    }

    [Fact]
    public async Task A_thread_pages_oldest_first_and_keeps_deleted_replies_as_tombstones()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateGroupAsync("Paging", bob)).Id();
        var root = await alice.SendAsync(chat, "root");
        var replies = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            replies.Add((await Send(i % 2 == 0 ? bob : alice, chat, new { text = $"reply {i}", clientId = $"p{i}", threadId = root.Id() }).OkJsonAsync(201)).Id());
        }

        await bob.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{replies[0]}");
        await alice.DeleteRawAsync($"/api/v1/chats/{chat}/signals/{root.Id()}");

        var first = await bob.GetAsync($"/api/v1/chats/{chat}/signals/{root.Id()}/thread?limit=2");
        Assert.Equal(replies[..2], first.Items().Select(s => s.Id()));
        Assert.Equal(JsonValueKind.Null, first.Items()[0].GetProperty("text").ValueKind);
        Assert.Equal(JsonValueKind.String, first.Items()[0].GetProperty("deletedAt").ValueKind);
        Assert.Equal(JsonValueKind.String, first.GetProperty("root").GetProperty("deletedAt").ValueKind);
        AssertThread(first.GetProperty("root"), 5, alice.Id, bob.Id);
        var second = await bob.GetAsync($"/api/v1/chats/{chat}/signals/{root.Id()}/thread?limit=2&after={first.Str("nextCursor")}");
        Assert.Equal(replies[2..4], second.Items().Select(s => s.Id()));
        var older = await bob.GetAsync($"/api/v1/chats/{chat}/signals/{root.Id()}/thread?limit=2&before={second.Str("previousCursor")}");
        Assert.Equal(replies[..2], older.Items().Select(s => s.Id()));
        Assert.Equal(JsonValueKind.Null, older.GetProperty("previousCursor").ValueKind);
    }

    [Fact]
    public async Task Resume_replays_a_missed_thread_reply_and_the_roots_new_count()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateGroupAsync("Resume threads", bob)).Id();
        JsonElement root;
        string lastId;
        await using (var bobs = await bob.OpenEventsAsync())
        {
            root = await alice.SendAsync(chat, "root");
            lastId = (await bobs.NextAsync(e => e.Type == "signal" && e.Data.Id() == root.Id())).Id!;
        }

        var reply = await Send(alice, chat, new { text = "while you were away", clientId = "away", threadId = root.Id() }).OkJsonAsync(201);

        await using var resumed = await bob.OpenEventsAsync(lastId);
        var missed = await resumed.NextAsync();
        var count = await resumed.NextAsync();
        Assert.Equal(("signal", reply.Id(), root.Id()), (missed.Type, missed.Data.Id(), missed.Data.GetProperty("threadId").GetGuid()));
        Assert.Equal(("signal_edited", root.Id()), (count.Type, count.Data.Id()));
        AssertThread(count.Data, 1, alice.Id);
    }

    [Fact]
    public async Task Search_finds_a_thread_reply_with_its_thread()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateGroupAsync("Search threads", bob)).Id();
        var root = await alice.SendAsync(chat, "root");
        var word = "zephyr" + Guid.NewGuid().ToString("N")[..6];
        var reply = await Send(bob, chat, new { text = $"the {word} plan", clientId = "s", threadId = root.Id() }).OkJsonAsync(201);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        JsonElement[] hits;
        while ((hits = (await alice.GetAsync($"/api/v1/chats/{chat}/search?q={word}")).Items()).Length == 0)
        {
            Assert.False(timeout.IsCancellationRequested, "the thread reply was not indexed within 10 s");
            // Slowly enough to stay under the search rate limit.
            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }

        var hit = Assert.Single(hits);
        Assert.Equal((reply.Id(), root.Id()), (hit.GetProperty("signalId").GetGuid(), hit.GetProperty("threadId").GetGuid()));
    }

    private static Task<HttpResponseMessage> Send(Chatter who, Guid chatId, object body) =>
        who.Http.PostAsJsonAsync($"/api/v1/chats/{chatId}/signals", body);

    private static void AssertThread(JsonElement root, int replies, params Guid[] participants)
    {
        var thread = root.GetProperty("thread");
        Assert.Equal(replies, thread.GetProperty("replyCount").GetInt32());
        Assert.Equal(JsonValueKind.String, thread.GetProperty("lastReplyAt").ValueKind);
        var ids = thread.GetProperty("participantIds").EnumerateArray().Select(p => p.GetGuid()).ToList();
        Assert.Equal(participants[0], ids[0]);
        Assert.Equal(participants.Order(), ids.Order());
    }
}
