using System.Text.Json;

namespace PetitChat.Server.Tests.Fixtures;

/// <summary>
/// The server with rate limits low enough to reach in a test. 127.0.0.1 is a known proxy (the
/// forwarded headers' default), so that each test can come from client addresses of its own (<c>X-Forwarded-For</c>) and the
/// per-address limits of one test do not spill into another's.
/// </summary>
public sealed class RateLimitedServer : PetitChatServer
{
    public const int Sends = 5;
    public const int Tickets = 4;
    public const int TokensPerUsername = 3;
    public const int TokensPerAddress = 5;

    /// <summary>Searches, user searches and push registrations each get this many a window.</summary>
    public const int Lookups = 3;

    /// <summary>A client address no other caller uses (TEST-NET-3 and a random tail).</summary>
    public static string NewAddress() => $"203.0.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";

    public override async Task<string> TokenForAsync(string username, string password = Password)
    {
        using var response = await RequestTokenAsync(username, password, NewAddress());
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token request failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public async Task<HttpResponseMessage> RequestTokenAsync(string username, string password, string fromAddress)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "password",
                ["client_id"] = "petitchat-cli",
                ["username"] = username,
                ["password"] = password,
            }),
        };
        request.Headers.Add("X-Forwarded-For", fromAddress);
        return await http.SendAsync(request);
    }

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["RateLimits:Sends:PermitLimit"] = Sends.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["RateLimits:Tickets:PermitLimit"] = Tickets.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["RateLimits:TokensPerUsername:PermitLimit"] = TokensPerUsername.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["RateLimits:TokensPerAddress:PermitLimit"] = TokensPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var policy in new[] { "Searches", "UserSearch", "PushSubscriptions" })
        {
            settings[$"RateLimits:{policy}:PermitLimit"] = Lookups.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        settings["RateLimits:UploadBytesPerMinute"] = (64 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class RateLimitedCollection : ICollectionFixture<RateLimitedServer>
{
    public const string Name = "rate-limited";
}
