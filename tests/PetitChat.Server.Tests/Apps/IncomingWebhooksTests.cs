using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Apps;

public sealed class IncomingWebhooksTests(AppsServer server) : AppsTest(server)
{
    [Fact]
    public async Task A_member_creates_a_webhook_and_a_post_to_its_url_appears_as_its_bot()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chatId = (await alice.CreateGroupAsync("ci", bob)).Id();

        var hook = await alice.Http.PostJson($"/api/v1/chats/{chatId}/incoming-webhooks", new { name = "CI" }).OkJsonAsync(201);
        var url = new Uri(hook.Str("url"));
        Assert.Equal(alice.Id, hook.GetProperty("createdBy").GetGuid());
        Assert.StartsWith($"/hooks/{hook.Id()}/", url.AbsolutePath, StringComparison.Ordinal);

        using var anonymous = new HttpClient();
        var posted = await anonymous.PostJson(url.AbsoluteUri, new { text = "build 42 passed", attachments = new[] { new { title = "Build", text = "green", url = "https://ci.example/42" } } })
            .OkJsonAsync(201);

        var newest = (await bob.TimelineAsync(chatId)).Items()[0];
        Assert.Equal(posted.Id(), newest.Id());
        Assert.Equal("build 42 passed\n\nBuild\ngreen\nhttps://ci.example/42", newest.Str("text"));
        var bot = (await bob.GetAsync($"/api/v1/chats/{chatId}")).GetProperty("members").EnumerateArray()
            .Single(m => m.Id() == newest.GetProperty("senderId").GetGuid());
        Assert.Equal(("bot", "CI"), (bot.Str("kind"), bot.Str("displayName")));
        Assert.Single((await alice.GetAsync($"/api/v1/chats/{chatId}/incoming-webhooks")).Items());
        Assert.False((await alice.GetAsync($"/api/v1/chats/{chatId}/incoming-webhooks")).Items()[0].TryGetProperty("url", out var shown)
            && shown.ValueKind == System.Text.Json.JsonValueKind.String, "the url (with its token) is shown once");
    }

    [Fact]
    public async Task Wrong_tokens_hostile_bodies_and_outsiders_get_4xx_and_change_nothing()
    {
        var (alice, bob, eve) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("eve"));
        var chatId = (await alice.CreateGroupAsync("ops", bob)).Id();
        var hook = await alice.Http.PostJson($"/api/v1/chats/{chatId}/incoming-webhooks", new { name = "Ops" }).OkJsonAsync(201);
        var url = hook.Str("url");
        var before = (await alice.TimelineAsync(chatId)).Items().Length;
        using var anonymous = new HttpClient();

        await anonymous.PostJson(url[..^4] + "AAAA", new { text = "x" }).ProblemAsync(404);
        await anonymous.PostJson($"{Server.BaseAddress}hooks/{Guid.CreateVersion7()}/token", new { text = "x" }).ProblemAsync(404);
        await anonymous.PostJson(url, new { text = "  " }).ProblemAsync(400, "text");
        await anonymous.PostJson(url, new { text = new string('x', 4001) }).ProblemAsync(400, "text");
        await anonymous.PostJson(url, new { attachments = new[] { new { url = "javascript:alert(1)" } } }).ProblemAsync(400, "attachments[0].url");
        await anonymous.PostJson(url, new { text = 42 }).ProblemAsync(400);
        await eve.Http.PostJson($"/api/v1/chats/{chatId}/incoming-webhooks", new { name = "Eve's" }).ProblemAsync(404);
        await alice.Http.PostJson($"/api/v1/chats/{chatId}/incoming-webhooks", new { name = "" }).ProblemAsync(400, "name");
        await eve.GetRawAsync($"/api/v1/chats/{chatId}/incoming-webhooks").ProblemAsync(404);

        Assert.Equal(before, (await alice.TimelineAsync(chatId)).Items().Length);
    }

    [Fact]
    public async Task Posting_more_often_than_the_rate_gets_429()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chatId = (await alice.CreateGroupAsync("busy", bob)).Id();
        var url = (await alice.Http.PostJson($"/api/v1/chats/{chatId}/incoming-webhooks", new { name = "Busy" }).OkJsonAsync(201)).Str("url");
        using var anonymous = new HttpClient();

        for (var i = 0; i < AppsServer.IncomingRatePerMinute; i++)
        {
            await anonymous.PostJson(url, new { text = $"post {i}" }).OkJsonAsync(201);
        }

        await anonymous.PostJson(url, new { text = "one too many" }).ProblemAsync(429);
    }

    [Fact]
    public async Task A_rotated_url_replaces_the_old_one_and_a_creator_who_left_silences_their_webhook()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chatId = (await bob.CreateGroupAsync("team", alice)).Id();
        var hook = await alice.Http.PostJson($"/api/v1/chats/{chatId}/incoming-webhooks", new { name = "Deploys" }).OkJsonAsync(201);
        using var anonymous = new HttpClient();

        var rotated = await bob.Http.PostJson($"/api/v1/chats/{chatId}/incoming-webhooks/{hook.Id()}/rotate", new { }).OkJsonAsync();
        await anonymous.PostJson(hook.Str("url"), new { text = "old url" }).ProblemAsync(404);
        await anonymous.PostJson(rotated.Str("url"), new { text = "new url" }).OkJsonAsync(201);

        (await alice.DeleteRawAsync($"/api/v1/chats/{chatId}/members/{alice.Id}")).EnsureSuccessStatusCode();
        await anonymous.PostJson(rotated.Str("url"), new { text = "after alice left" }).ProblemAsync(403);

        Assert.Equal(204, (int)(await bob.DeleteRawAsync($"/api/v1/chats/{chatId}/incoming-webhooks/{hook.Id()}")).StatusCode);
        await anonymous.PostJson(rotated.Str("url"), new { text = "deleted" }).ProblemAsync(404);
        Assert.DoesNotContain((await bob.GetAsync($"/api/v1/chats/{chatId}")).GetProperty("members").EnumerateArray(),
            m => m.Id() == hook.GetProperty("botUserId").GetGuid());
    }
}
