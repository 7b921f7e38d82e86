using System.Diagnostics;
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
    public async Task In_production_without_an_authority_the_server_exits_with_its_reason_and_no_stack_trace()
    {
        var (code, error) = await RunServerAsync("Production", new Dictionary<string, string?>());

        Assert.Equal(1, code);
        Assert.Contains("development only", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData(" petitchat ")]
    public async Task In_production_the_enabled_embedded_issuer_still_refuses_the_default_or_a_blank_password(string? password)
    {
        var settings = new Dictionary<string, string?> { ["Identity:Embedded:Enabled"] = "true" };
        if (password is not null)
        {
            settings["Identity:CliPassword"] = password;
        }

        var (code, error) = await RunServerAsync("Production", settings);

        Assert.Equal(1, code);
        Assert.Contains("Identity:CliPassword", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
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

    /// <summary>
    /// Runs the server's own build as an operator would (its entry point turns a refusal into an
    /// exit code), and returns the exit code and standard error once it ends.
    /// </summary>
    private static async Task<(int Code, string Error)> RunServerAsync(string environment, Dictionary<string, string?> settings)
    {
        Settle(settings);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PetitChat.Server.dll"));
        info.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var server = Process.Start(info)!;
        var output = server.StandardOutput.ReadToEndAsync();
        var error = server.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await server.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            server.Kill(entireProcessTree: true);
            throw new TimeoutException("The server did not refuse to start within 60 s: it is serving.");
        }

        await output;
        return (server.ExitCode, await error);
    }

    private static WebApplicationFactory<Program> Factory(string environment, Dictionary<string, string?> settings)
    {
        Settle(settings);
        return new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment(environment);
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }
        });
    }

    /// <summary>A data folder of the test's own, and quiet logs.</summary>
    private static void Settle(Dictionary<string, string?> settings)
    {
        var folder = Path.Combine(Path.GetTempPath(), "petitchat-server-tests", Guid.NewGuid().ToString("N"));
        settings["Store:Sqlite:Path"] = Path.Combine(folder, "petitchat.db");
        settings["Blobs:Local:Path"] = Path.Combine(folder, "blobs");
        settings["Files:TempPath"] = Path.Combine(folder, "uploads");
        settings["Identity:Embedded:KeyPath"] = Path.Combine(folder, "issuer-keys.json");
        settings["Identity:Embedded:Issuer"] = "http://localhost/";
        settings["Logging:LogLevel:Default"] = "Warning";
    }
}
