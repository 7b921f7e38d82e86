using System.Net;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

public class UsersApiTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task Me_creates_the_user_on_first_call_from_token_claims()
    {
        var username = $"Carol-{Guid.NewGuid().ToString("N")[..8]}";
        var http = await Server.ClientForAsync(username);

        var first = await new Chatter(http, Guid.Empty, username).GetAsync("/api/v1/me");
        var second = await new Chatter(http, Guid.Empty, username).GetAsync("/api/v1/me");

        Assert.Equal(first.Id(), second.Id());
        Assert.Equal(username.ToLowerInvariant(), first.Str("username"));
        Assert.False(string.IsNullOrEmpty(first.Str("displayName")));
        Assert.Contains("user", first.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Calls_without_a_token_get_401()
    {
        using var anonymous = new HttpClient { BaseAddress = Server.BaseAddress };

        using var me = await anonymous.GetAsync(new Uri("/api/v1/me", UriKind.Relative));
        using var chats = await anonymous.GetAsync(new Uri("/api/v1/chats", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, chats.StatusCode);
    }

    [Fact]
    public async Task Users_are_found_by_username_prefix_case_insensitively_and_paged()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var found = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var http = await Server.ClientForAsync($"find{tag}-{i}");
            found.Add((await new Chatter(http, Guid.Empty, "").GetAsync("/api/v1/me")).Id());
        }

        var searcher = await NewChatterAsync();
        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await searcher.GetAsync($"/api/v1/users?username=FIND{tag}&limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            seen.AddRange(page.Items().Select(u => u.Id()));
            Assert.All(page.Items(), u => Assert.StartsWith($"find{tag}", u.Str("username"), StringComparison.Ordinal));
            cursor = page.NextCursor();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(found, seen);
        Assert.InRange(pages, 3, 4);
    }

    [Fact]
    public async Task A_prefix_with_like_wildcards_matches_them_literally()
    {
        var searcher = await NewChatterAsync();

        var page = await searcher.GetAsync("/api/v1/users?username=%25");

        Assert.Empty(page.Items());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=abc")]
    public async Task A_bad_page_size_is_a_400_naming_limit(string query)
    {
        var searcher = await NewChatterAsync();

        await searcher.GetRawAsync($"/api/v1/users?{query}").ProblemAsync(400, "limit");
    }
}
