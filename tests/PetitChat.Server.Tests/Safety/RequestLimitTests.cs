using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PetitChat.Server.Limits;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Safety;

/// <summary>Bodies, lists and streams that one caller could grow without bound are cut at a limit.</summary>
public sealed class RequestLimitTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task A_chat_with_500000_member_ids_is_refused_with_413_before_the_list_is_read()
    {
        var alice = await NewChatterAsync("alice");
        var body = new StringBuilder("{\"name\":\"huge\",\"memberIds\":[");
        for (var i = 0; i < 500_000; i++)
        {
            body.Append(i == 0 ? "\"" : ",\"").Append(Guid.NewGuid()).Append('"');
        }

        body.Append("]}");

        // Expect: 100-continue, so the server can answer before 20 MB are sent (as a browser would see it).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chats") { Content = new StringContent(body.ToString(), Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        using var response = await alice.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty((await alice.GetAsync("/api/v1/chats")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_member_list_far_over_the_group_limit_is_a_400_naming_member_ids()
    {
        var alice = await NewChatterAsync("alice");
        var ids = Enumerable.Range(0, 5_000).Select(_ => Guid.NewGuid()).ToArray();

        using var response = await alice.PostRawAsync("/api/v1/chats", new { name = "many", memberIds = ids });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty("memberIds", out _));
    }

    [Fact]
    public async Task A_member_list_over_twice_the_group_limit_is_refused_even_when_its_ids_repeat()
    {
        // The length is checked before duplicates are removed, so no list costs more than a set of
        // 200 ids; the quadratic de-duplication took 4.8 s of a core for 100,000 ids before its 400.
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));

        using var repeated = await alice.PostRawAsync("/api/v1/chats", new { name = "echo", memberIds = Enumerable.Repeat(bob.Id, 201) });
        var created = await alice.PostRawAsync("/api/v1/chats", new { name = "echo", memberIds = Enumerable.Repeat(bob.Id, 200) }).OkJsonAsync(201);

        Assert.Equal(HttpStatusCode.BadRequest, repeated.StatusCode);
        Assert.True((await repeated.ReadJsonAsync()).GetProperty("errors").TryGetProperty("memberIds", out _));
        Assert.Single((await alice.GetAsync("/api/v1/chats")).GetProperty("items").EnumerateArray());
        Assert.Equal(2, created.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task A_json_body_over_one_megabyte_gets_413_and_sends_nothing()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateGroupAsync("big", bob)).Id();

        using var response = await alice.PostRawAsync($"/api/v1/chats/{chat}/signals", new { text = new string('x', 1_100_000), clientId = "big" });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain((await alice.TimelineAsync(chat)).GetProperty("items").EnumerateArray(), s => s.Str("kind") == "message");
    }

    [Fact]
    public async Task Twenty_five_streams_of_one_user_leave_the_newest_twenty_open()
    {
        var alice = await NewChatterAsync("alice");
        var streams = new List<EventStream>();
        try
        {
            for (var i = 0; i < 25; i++)
            {
                streams.Add(await alice.OpenEventsAsync());
            }

            for (var i = 0; i < 5; i++)
            {
                Assert.True(await EndsAsync(streams[i]), $"stream {i} (of the oldest five) is still open");
            }

            Assert.Equal(20, Server.Services.GetRequiredService<OpenStreams>().CountOf(alice.Id));
            var (bob, chat) = (await NewChatterAsync("bob"), Guid.Empty);
            chat = (await bob.CreateGroupAsync("seen", alice)).Id();
            await bob.SendAsync(chat, "to the open ones");
            await streams[24].NextAsync(e => e.Type == "signal");
            await streams[5].NextAsync(e => e.Type == "signal");
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    private static async Task<bool> EndsAsync(EventStream stream)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await stream.ReadBlockAsync(TimeSpan.FromSeconds(5));
            }
            catch (EndOfStreamException)
            {
                return true;
            }
            catch (OperationCanceledException)
            {
            }
        }

        return false;
    }
}
