using System.Net;
using System.Net.Http.Headers;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Safety;

/// <summary>Floods get 429 with Retry-After and a problem document, and only the flooder is held back.</summary>
[Collection(RateLimitedCollection.Name)]
public sealed class RateLimitTests(RateLimitedServer server)
{
    [Fact]
    public async Task A_flood_of_sends_gets_429_with_retry_after_while_another_user_is_still_served()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateGroupAsync("flood", bob)).Id();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < RateLimitedServer.Sends + 3; i++)
        {
            using var sent = await alice.PostRawAsync($"/api/v1/chats/{chat}/signals", new { text = $"m{i}", clientId = Guid.NewGuid().ToString() });
            statuses.Add(sent.StatusCode);
            if (sent.StatusCode == HttpStatusCode.TooManyRequests)
            {
                AssertTooMany(sent);
                Assert.Equal("Too many requests.", (await sent.ReadJsonAsync()).Str("title"));
            }
        }

        Assert.Equal(RateLimitedServer.Sends, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        await bob.SendAsync(chat, "bob is not held back");
    }

    [Fact]
    public async Task A_flood_of_stream_tickets_gets_429()
    {
        var alice = await NewChatterAsync("alice");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < RateLimitedServer.Tickets + 2; i++)
        {
            using var ticket = await alice.Http.PostAsync(new Uri("/api/v1/events/tickets", UriKind.Relative), null);
            statuses.Add(ticket.StatusCode);
            if (ticket.StatusCode == HttpStatusCode.TooManyRequests)
            {
                AssertTooMany(ticket);
            }
        }

        Assert.Equal(RateLimitedServer.Tickets, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Theory]
    [InlineData("GET", "/api/v1/search?q=lunch")]
    [InlineData("GET", "/api/v1/chats/{chat}/search?q=lunch")]
    [InlineData("GET", "/api/v1/users?username=ali")]
    [InlineData("POST", "/api/v1/me/push-subscriptions")]
    [InlineData("PUT", "/api/v1/me/webhook")]
    public async Task A_flood_of_searches_user_searches_or_push_registrations_gets_429_while_another_user_is_served(string method, string path)
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateGroupAsync("lookups", bob)).Id();
        var url = path.Replace("{chat}", chat.ToString(), StringComparison.Ordinal);
        // A registration counts whether or not its body is valid: the limit comes before the work.
        HttpRequestMessage Request() => new(new HttpMethod(method), new Uri(url, UriKind.Relative))
        {
            Content = method == "GET" ? null : new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < RateLimitedServer.Lookups + 2; i++)
        {
            using var request = Request();
            using var response = await alice.Http.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                AssertTooMany(response);
            }
        }

        Assert.Equal(RateLimitedServer.Lookups, statuses.Count(s => s != HttpStatusCode.TooManyRequests));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        using var bobs = Request();
        using var served = await bob.Http.SendAsync(bobs);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, served.StatusCode);
        Assert.True((int)served.StatusCode < 500, $"{served.StatusCode}");
    }

    [Fact]
    public async Task Password_guesses_for_one_username_get_429_from_any_address_and_other_usernames_are_served()
    {
        var victim = $"victim-{Guid.NewGuid():N}";

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < RateLimitedServer.TokensPerUsername + 2; i++)
        {
            using var guess = await server.RequestTokenAsync(victim, $"guess-{i}", RateLimitedServer.NewAddress());
            statuses.Add(guess.StatusCode);
            if (guess.StatusCode == HttpStatusCode.TooManyRequests)
            {
                AssertTooMany(guess);
            }
        }

        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.DoesNotContain(HttpStatusCode.OK, statuses);
        using var right = await server.RequestTokenAsync(victim, PetitChatServer.Password, RateLimitedServer.NewAddress());
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        using var other = await server.RequestTokenAsync($"other-{Guid.NewGuid():N}", PetitChatServer.Password, RateLimitedServer.NewAddress());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Login_form_guesses_count_toward_the_same_per_username_limit_as_the_token_endpoint()
    {
        var victim = $"victim-{Guid.NewGuid():N}";
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < RateLimitedServer.TokensPerUsername + 1; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, PetitChat.Server.Identity.EmbeddedIssuer.LoginPath)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = victim, ["password"] = $"guess-{i}", ["returnUrl"] = "/" }),
            };
            request.Headers.Add("X-Forwarded-For", RateLimitedServer.NewAddress());
            using var guess = await http.SendAsync(request);
            statuses.Add(guess.StatusCode);
            if (guess.StatusCode == HttpStatusCode.TooManyRequests)
            {
                AssertTooMany(guess);
            }
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses[..^1]);
        using var token = await server.RequestTokenAsync(victim, PetitChatServer.Password, RateLimitedServer.NewAddress());
        Assert.Equal(HttpStatusCode.TooManyRequests, token.StatusCode);
    }

    [Fact]
    public async Task Token_requests_from_one_address_get_429_whatever_the_username_and_other_addresses_are_served()
    {
        var address = RateLimitedServer.NewAddress();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < RateLimitedServer.TokensPerAddress + 2; i++)
        {
            using var token = await server.RequestTokenAsync($"spray-{Guid.NewGuid():N}", PetitChatServer.Password, address);
            statuses.Add(token.StatusCode);
        }

        Assert.Equal(RateLimitedServer.TokensPerAddress, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        using var elsewhere = await server.RequestTokenAsync($"spray-{Guid.NewGuid():N}", PetitChatServer.Password, RateLimitedServer.NewAddress());
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    [Fact]
    public async Task Uploads_over_the_bytes_per_minute_budget_get_429()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chat = (await alice.CreateGroupAsync("files", bob)).Id();

        // The budget is 64 KiB a minute: two 40 KiB files do not both fit.
        using var first = await UploadAsync(alice, chat, 40 * 1024);
        using var second = await UploadAsync(alice, chat, 40 * 1024);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        AssertTooMany(second);
        using var bobs = await UploadAsync(bob, chat, 40 * 1024);
        Assert.Equal(HttpStatusCode.Created, bobs.StatusCode);
    }

    private static async Task<HttpResponseMessage> UploadAsync(Chatter who, Guid chat, int size)
    {
        using var form = new MultipartFormDataContent();
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "noise.bin");
        return await who.Http.PostAsync(new Uri($"/api/v1/chats/{chat}/files", UriKind.Relative), form);
    }

    private static void AssertTooMany(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta is { } delta && delta > TimeSpan.Zero, "429 without a Retry-After in seconds");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<Chatter> NewChatterAsync(string name)
    {
        var username = $"{name}-{Guid.NewGuid().ToString("N")[..10]}";
        return await Chatter.SignInAsync(await server.ClientForAsync(username), username);
    }
}
