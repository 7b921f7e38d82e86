using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PetitChat.Server.Tests.Safety;

/// <summary>
/// The embedded issuer gives a token to any username (admin included) with one password: outside
/// Development the server must refuse to start with it unless it was asked for by name with a
/// password of its own.
/// </summary>
public sealed class ProductionGuardTests
{
    [Fact]
    public void In_production_without_an_authority_the_server_refuses_to_start()
    {
        using var factory = Factory("Production", new Dictionary<string, string?>());

        var error = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains("development only", Describe(error), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData(" petitchat ")]
    public void In_production_the_enabled_embedded_issuer_still_refuses_the_default_or_a_blank_password(string? password)
    {
        var settings = new Dictionary<string, string?> { ["Identity:Embedded:Enabled"] = "true" };
        if (password is not null)
        {
            settings["Identity:CliPassword"] = password;
        }

        using var factory = Factory("Production", settings);

        var error = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains("Identity:CliPassword", Describe(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_production_the_embedded_issuer_runs_when_enabled_with_its_own_password()
    {
        using var factory = Factory("Production", new Dictionary<string, string?>
        {
            ["Identity:Embedded:Enabled"] = "true",
            ["Identity:CliPassword"] = "a-password-of-its-own",
        });
        using var client = factory.CreateClient();

        using var token = await client.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "petitchat-cli",
            ["username"] = "guard-user",
            ["password"] = "a-password-of-its-own",
        }));

        Assert.True(token.IsSuccessStatusCode, await token.Content.ReadAsStringAsync());
    }

    private static string Describe(Exception error) => error.ToString();

    private static WebApplicationFactory<Program> Factory(string environment, Dictionary<string, string?> settings)
    {
        var folder = Path.Combine(Path.GetTempPath(), "petitchat-server-tests", Guid.NewGuid().ToString("N"));
        settings["Store:Sqlite:Path"] = Path.Combine(folder, "petitchat.db");
        settings["Blobs:Local:Path"] = Path.Combine(folder, "blobs");
        settings["Files:TempPath"] = Path.Combine(folder, "uploads");
        settings["Identity:Embedded:KeyPath"] = Path.Combine(folder, "issuer-keys.json");
        settings["Identity:Embedded:Issuer"] = "http://localhost/";
        settings["Logging:LogLevel:Default"] = "Warning";
        return new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment(environment);
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }
        });
    }
}
