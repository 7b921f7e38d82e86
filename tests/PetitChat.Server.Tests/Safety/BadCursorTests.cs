using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Safety;

/// <summary>
/// Found by the fuzzer: a cursor the server did not issue was a 400, but when the client accepted no
/// JSON the exception went unhandled and was logged as an error.
/// </summary>
public sealed class BadCursorTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task A_cursor_the_server_did_not_issue_is_a_400_naming_cursor_and_logs_no_error()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chatId = (await alice.CreateGroupAsync("cursors", bob)).Id();
        string[] paths =
        [
            $"/api/v1/chats/{chatId}/files",
            "/api/v1/chats",
            $"/api/v1/users?username={alice.Username[..3]}",
            $"/api/v1/chats/{chatId}/search?q=hello",
        ];

        foreach (var path in paths)
        {
            foreach (var cursor in new[] { "not-a-cursor", "AAAA", "%00%ff", new string('z', 300) })
            {
                var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
                await alice.GetRawAsync($"{path}{separator}cursor={cursor}").ProblemAsync(400, "cursor");
                // A client that accepts no JSON (a browser's text/html) gets the same 400, and no error is logged.
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{path}{separator}cursor={cursor}", UriKind.Relative));
                request.Headers.TryAddWithoutValidation("Accept", "text/html");
                using var response = await alice.Http.SendAsync(request);
                Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
            }
        }

        Assert.DoesNotContain(Server.Log.Entries, e => e.Contains("InvalidCursorException", StringComparison.Ordinal));
    }
}
