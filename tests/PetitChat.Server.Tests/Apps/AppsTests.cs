using System.Net;
using System.Net.Http.Json;
using PetitChat.Samples.EchoApp;
using PetitChat.Server.Tests.Api;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Apps;

public sealed class AppsTests(AppsServer server) : AppsTest(server)
{
    private static readonly string[] SignalCreated = ["signal.created"];
    private static readonly string[] Everything = ["everything"];

    [Fact]
    public async Task Only_an_admin_registers_an_app_and_bad_registrations_name_their_field()
    {
        var (admin, alice) = (await AdminAsync(), await NewChatterAsync("alice"));
        var valid = new { name = "Weather", url = "http://127.0.0.1:9/events", events = SignalCreated };

        await alice.Http.PostJson("/api/v1/apps", valid).ProblemAsync(403);
        await admin.Http.PostJson("/api/v1/apps", valid with { url = "ftp://example.com/x" }).ProblemAsync(400, "url");
        await admin.Http.PostJson("/api/v1/apps", valid with { url = "http://169.254.169.254/latest" }).ProblemAsync(400, "url");
        await admin.Http.PostJson("/api/v1/apps", valid with { events = Everything }).ProblemAsync(400, "events");
        await admin.Http.PostJson("/api/v1/apps", new { valid.name, valid.url, valid.events, commands = new[] { new { name = "me" } } })
            .ProblemAsync(400, "commands");
        await admin.Http.PostJson("/api/v1/apps", new { valid.name, valid.url, valid.events, commands = new[] { new { name = "a b" } } })
            .ProblemAsync(400, "commands");
        await alice.GetRawAsync("/api/v1/apps").ProblemAsync(403);
    }

    [Fact]
    public async Task A_bot_uses_the_api_with_its_token_only_in_its_chats_until_the_token_is_revoked()
    {
        var (admin, alice, bob) = (await AdminAsync(), await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var app = await RegisterAsync(admin, "http://127.0.0.1:9/events", []);
        var token = app.Str("botToken");
        Assert.StartsWith("pcb_", token, StringComparison.Ordinal);
        Assert.Equal("bot", app.GetProperty("bot").Str("kind"));
        var withBot = (await alice.CreateGroupAsync("with bot", bob)).Id();
        var without = (await alice.CreateGroupAsync("without bot", bob)).Id();
        await alice.Http.PostJson($"/api/v1/chats/{withBot}/members", new { userId = BotId(app) }).OkJsonAsync();

        using var bot = BotClient(token);
        var me = await bot.GetAsync(new Uri("/api/v1/me", UriKind.Relative)).OkJsonAsync();
        Assert.Equal(BotId(app), me.Id());
        Assert.Contains("bot", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var sent = await bot.PostJson($"/api/v1/chats/{withBot}/signals", new { text = "hello from the bot", clientId = "b1" }).OkJsonAsync(201);
        Assert.Equal(BotId(app), sent.GetProperty("senderId").GetGuid());
        await bot.GetAsync(new Uri($"/api/v1/chats/{without}/signals", UriKind.Relative)).ProblemAsync(404);
        await bot.PostJson("/api/v1/apps", new { name = "x", url = "http://127.0.0.1:9/", events = Array.Empty<string>() }).ProblemAsync(403);

        using (var wrong = BotClient(token[..^2] + "xx"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(new Uri("/api/v1/me", UriKind.Relative))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteRawAsync($"/api/v1/apps/{app.Id()}/token")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bot.GetAsync(new Uri("/api/v1/me", UriKind.Relative))).StatusCode);
        var rotated = await admin.Http.PostJson($"/api/v1/apps/{app.Id()}/token", new { }).OkJsonAsync();
        using var again = BotClient(rotated.Str("botToken"));
        await again.GetAsync(new Uri("/api/v1/me", UriKind.Relative)).OkJsonAsync();
    }

    [Fact]
    public async Task Subscribed_events_of_the_bots_chats_arrive_signed_and_a_failed_one_is_retried_by_an_admin()
    {
        await using var listener = await AppListener.StartAsync();
        var (admin, alice, bob) = (await AdminAsync(), await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var app = await RegisterAsync(admin, listener.Url, ["signal.created", "signal.edited", "signal.deleted", "reaction.changed", "member.joined"]);
        var secret = app.Str("signingSecret");
        var chatId = (await alice.CreateGroupAsync("events", bob)).Id();
        var elsewhere = (await alice.CreateGroupAsync("no bot", bob)).Id();
        await alice.Http.PostJson($"/api/v1/chats/{chatId}/members", new { userId = BotId(app) }).OkJsonAsync();

        await alice.SendAsync(elsewhere, "not for the bot");
        var messageId = (await alice.SendAsync(chatId, "for the bot")).Id();
        var created = await listener.WaitForAsync((b, _) => b.Str("type") == "signal.created");
        Assert.Equal((chatId, app.Id(), messageId, "for the bot"), (created.Body.GetProperty("chatId").GetGuid(), created.Body.GetProperty("appId").GetGuid(),
            created.Body.GetProperty("payload").Id(), created.Body.GetProperty("payload").Str("text")));
        Assert.True(EchoBot.IsSigned(secret, created.Headers["X-PetitChat-Timestamp"], created.Headers["X-PetitChat-Signature"], created.Raw));
        Assert.Equal(created.Body.Str("id"), created.Headers["X-PetitChat-Delivery"]);
        Assert.False(EchoBot.IsSigned("another secret", created.Headers["X-PetitChat-Timestamp"], created.Headers["X-PetitChat-Signature"], created.Raw));
        Assert.DoesNotContain(listener.Received, r => r.Body.GetProperty("chatId").GetGuid() == elsewhere);

        // Edits and deletes of a message follow it to the app.
        var edited = (await alice.SendAsync(chatId, "typo")).Id();
        await alice.Http.PatchAsJsonAsync($"/api/v1/chats/{chatId}/signals/{edited}", new { text = "fixed" }).OkJsonAsync();
        var editEvent = await listener.WaitForAsync((b, _) => b.Str("type") == "signal.edited");
        Assert.Equal((edited, "fixed"), (editEvent.Body.GetProperty("payload").Id(), editEvent.Body.GetProperty("payload").Str("text")));
        (await alice.DeleteRawAsync($"/api/v1/chats/{chatId}/signals/{edited}")).EnsureSuccessStatusCode();
        var deleteEvent = await listener.WaitForAsync((b, _) => b.Str("type") == "signal.deleted");
        Assert.Equal(edited, deleteEvent.Body.GetProperty("payload").GetProperty("signalId").GetGuid());

        // The app fails every attempt of the next event: it becomes a dead letter, then an admin retries it.
        listener.AnswerNext(500, 500, 500);
        (await alice.PutRawAsync($"/api/v1/chats/{chatId}/signals/{messageId}/reactions/%F0%9F%91%8D")).EnsureSuccessStatusCode();
        await listener.WaitForAsync((b, status) => b.Str("type") == "reaction.changed" && status == 500);
        var failed = await WaitForFailedAsync(admin, app.Id());
        Assert.Equal(("reaction.changed", 3, "app answered 500"), (failed.Str("type"), failed.GetProperty("attempts").GetInt32(), failed.Str("lastError")));

        await admin.Http.PostJson($"/api/v1/apps/{app.Id()}/deliveries/{failed.Id()}/retry", new { }).OkJsonAsync(202);
        var redelivered = await listener.WaitForAsync((b, status) => b.Str("type") == "reaction.changed" && status == 200);
        Assert.Equal(failed.Id(), redelivered.Body.GetProperty("id").GetGuid());
        await alice.GetRawAsync($"/api/v1/apps/{app.Id()}/deliveries?status=failed").ProblemAsync(403);
        await admin.GetRawAsync($"/api/v1/apps/{app.Id()}/deliveries?status=lost").ProblemAsync(400, "status");
        await admin.Http.PostJson($"/api/v1/apps/{app.Id()}/deliveries/{failed.Id()}/retry", new { }).ProblemAsync(409);
    }

    [Fact]
    public async Task Slash_commands_go_to_the_app_in_the_chat_and_built_ins_and_unknown_ones_are_handled_here()
    {
        var port = LoopbackPort.Free();
        using var echo = new EchoBot { Server = Server.BaseAddress };
        await using var echoApp = EchoBot.Build(echo, [], port);
        await echoApp.StartAsync();
        var (admin, alice, bob) = (await AdminAsync(), await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var app = await RegisterAsync(admin, $"http://127.0.0.1:{port}/", ["signal.created"], "echo");
        (echo.SigningSecret, echo.BotToken) = (app.Str("signingSecret"), app.Str("botToken"));
        var chatId = (await alice.CreateGroupAsync("commands", bob)).Id();

        await alice.Http.PostJson($"/api/v1/chats/{chatId}/signals", new { text = "/echo hi", clientId = "c0" }).ProblemAsync(400, "text");
        await alice.Http.PostJson($"/api/v1/chats/{chatId}/members", new { userId = BotId(app) }).OkJsonAsync();
        var commands = (await alice.GetAsync($"/api/v1/chats/{chatId}/commands")).Items().Select(c => c.Str("name")).ToList();
        Assert.Equal(["me", "shrug", "call", "echo"], commands);

        var mine = await alice.Http.PostJson($"/api/v1/chats/{chatId}/signals", new { text = "/echo hi", clientId = "c1" }).OkJsonAsync();
        Assert.Equal(("You said: hi", "me"), (mine.Str("text"), mine.Str("visibility")));
        var command = echo.Received.Single(r => r.Str("type") == "command").GetProperty("payload");
        Assert.Equal(("echo", "hi", alice.Id), (command.Str("command"), command.Str("text"), command.GetProperty("userId").GetGuid()));

        var shared = await alice.Http.PostJson($"/api/v1/chats/{chatId}/signals", new { text = "/echo chat to everyone", clientId = "c2" }).OkJsonAsync();
        var posted = (await bob.TimelineAsync(chatId)).Items().First(s => s.Id() == shared.GetProperty("signalId").GetGuid());
        Assert.Equal(("to everyone", BotId(app)), (posted.Str("text"), posted.GetProperty("senderId").GetGuid()));

        // A later answer through the response url, posted by the bot.
        using var anonymous = new HttpClient();
        await anonymous.PostJson(command.Str("responseUrl"), new { text = "later", visibility = "chat" }).OkJsonAsync();
        await anonymous.PostJson(command.Str("responseUrl")[..^3] + "000", new { text = "forged" }).ProblemAsync(404);

        // The app repeats messages through the API with its bot token.
        await alice.SendAsync(chatId, "ping");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!(await bob.TimelineAsync(chatId)).Items().Any(s => s.GetProperty("text").GetString() == "echo: ping"))
        {
            await Task.Delay(50, deadline.Token);
        }

        var shrug = await alice.Http.PostJson($"/api/v1/chats/{chatId}/signals", new { text = "/shrug ok", clientId = "c3" }).OkJsonAsync(201);
        Assert.Equal(@"ok ¯\_(ツ)_/¯", shrug.Str("text"));
        var me = await alice.Http.PostJson($"/api/v1/chats/{chatId}/signals", new { text = "/me waves", clientId = "c4" }).OkJsonAsync(201);
        Assert.EndsWith(" waves_", me.Str("text"), StringComparison.Ordinal);
        await alice.Http.PostJson($"/api/v1/chats/{chatId}/signals", new { text = "/weather paris", clientId = "c5" }).ProblemAsync(400, "text");
        var path = await alice.Http.PostJson($"/api/v1/chats/{chatId}/signals", new { text = "/home/alice is full", clientId = "c6" }).OkJsonAsync(201);
        Assert.Equal("/home/alice is full", path.Str("text"));
    }

    [Fact]
    public async Task Slash_call_starts_a_call_or_joins_the_running_one_as_the_call_button_does()
    {
        var (alice, bob, stranger) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("stranger"));
        var chatId = (await alice.CreateGroupAsync("calls", bob)).Id();

        var started = await alice.Http.PostJson($"/api/v1/chats/{chatId}/signals", new { text = "/call audio", clientId = "k1" }).OkJsonAsync();
        Assert.Equal(("call", "me"), (started.Str("command"), started.Str("visibility")));
        var call = started.GetProperty("call");
        Assert.Equal(("audio", chatId), (call.Str("media"), call.GetProperty("chatId").GetGuid()));
        Assert.Contains(call.Str("room"), call.GetProperty("join").Str("url"), StringComparison.Ordinal);

        var joined = await bob.Http.PostJson($"/api/v1/chats/{chatId}/signals", new { text = "/call", clientId = "k2" }).OkJsonAsync();
        Assert.Equal(call.Id(), joined.GetProperty("call").Id());
        Assert.Single((await bob.TimelineAsync(chatId)).Items(), s => s.Str("kind") == "call_started");

        await alice.Http.PostJson($"/api/v1/chats/{chatId}/signals", new { text = "/call loudly", clientId = "k3" }).ProblemAsync(400, "text");
        await stranger.Http.PostJson($"/api/v1/chats/{chatId}/signals", new { text = "/call", clientId = "k4" }).ProblemAsync(404);
        Assert.DoesNotContain((await alice.TimelineAsync(chatId)).Items(), s => s.Str("text") is { } text && text.StartsWith("/call", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_event_goes_to_the_app_from_its_queued_job_and_is_listed_once_the_app_answered()
    {
        await using var listener = await AppListener.StartAsync();
        var (admin, alice, bob) = (await AdminAsync(), await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var app = await RegisterAsync(admin, listener.Url, SignalCreated);
        var chatId = (await alice.CreateGroupAsync("slow app", bob)).Id();
        await alice.Http.PostJson($"/api/v1/chats/{chatId}/members", new { userId = BotId(app) }).OkJsonAsync();

        listener.Hold();
        var messageId = (await alice.SendAsync(chatId, "while the app is slow")).Id();
        var held = await listener.WaitForAsync((b, _) => b.Str("type") == "signal.created");
        Assert.Equal(messageId, held.Body.GetProperty("payload").Id());
        // The send stored nothing for the app: the event travelled in its job, and it is recorded once attempted.
        Assert.Empty((await admin.GetAsync($"/api/v1/apps/{app.Id()}/deliveries")).Items());

        listener.Release();
        var delivered = await WaitForDeliveryAsync(admin, app.Id(), "delivered");
        Assert.Equal((held.Body.GetProperty("id").GetGuid(), chatId, "signal.created", 1),
            (delivered.Id(), delivered.GetProperty("chatId").GetGuid(), delivered.Str("type"), delivered.GetProperty("attempts").GetInt32()));
        Assert.Single((await admin.GetAsync($"/api/v1/apps/{app.Id()}/deliveries")).Items());
    }

    private static Task<System.Text.Json.JsonElement> WaitForFailedAsync(Chatter admin, Guid appId) => WaitForDeliveryAsync(admin, appId, "failed");

    private static async Task<System.Text.Json.JsonElement> WaitForDeliveryAsync(Chatter admin, Guid appId, string status)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var found = (await admin.GetAsync($"/api/v1/apps/{appId}/deliveries?status={status}")).Items();
            if (found.Length > 0)
            {
                return found[0];
            }

            await Task.Delay(50, deadline.Token);
        }
    }
}
