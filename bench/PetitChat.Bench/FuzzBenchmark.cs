using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PetitChat.Testing;

namespace PetitChat.Bench;

/// <summary>
/// The long fuzz run: the server as a separate process (Development, rate limits raised), three
/// users in two chats with secrets, then <c>--requests</c> (200,000) hostile requests from the
/// OpenAPI document. Prints the findings (5xx, no answer, another chat's data) and the server's
/// resident memory after the first tenth and at the end.
/// </summary>
public sealed class FuzzBenchmark : IBenchmark
{
    public string Name => "fuzz";

    public string Description => "hostile requests over every endpoint (--requests 200000 --threads 8): no 5xx, no leak, memory";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var requests = LongArg(args, "--requests", 200_000);
        var threads = (int)LongArg(args, "--threads", 8);
        var root = Root();
        var folder = Path.Combine(Path.GetTempPath(), "petitchat-bench-fuzz", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = LoopbackPort.Free();
        var baseUrl = $"http://127.0.0.1:{port}";
        List<string> settings =
        [
            Path.Combine(root, "src", "PetitChat.Server", "bin", "Release", "net10.0", "PetitChat.Server.dll"),
            "--environment=Development",
            $"--Urls={baseUrl}",
            $"--Store:Sqlite:Path={Path.Combine(folder, "petitchat.db")}",
            $"--Blobs:Local:Path={Path.Combine(folder, "blobs")}",
            $"--Files:TempPath={Path.Combine(folder, "uploads")}",
            $"--Identity:Embedded:KeyPath={Path.Combine(folder, "issuer-keys.json")}",
            $"--Identity:Embedded:Issuer={baseUrl}/",
            "--Logging:LogLevel:Default=Warning",
        ];
        foreach (var limit in new[] { "Api", "Anonymous", "Sends", "Uploads", "Searches", "Tickets", "UserSearch", "PushSubscriptions", "TokensPerUsername", "TokensPerAddress" })
        {
            settings.Add($"--RateLimits:{limit}:PermitLimit=100000000");
        }

        await using var server = await EngineProcess.StartAsync("dotnet", settings, port, "Build the server first: dotnet build -c Release src/PetitChat.Server", root);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
            var users = new List<FuzzUser>();
            foreach (var name in new[] { "fuzz-alice", "fuzz-bob", "fuzz-carol" })
            {
                var token = await TokenAsync(http, name, ct);
                using var me = await Send(http, HttpMethod.Get, "/api/v1/me", token, null, ct);
                users.Add(new FuzzUser(name, token, JsonDocument.Parse(await me.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetGuid()));
            }

            FuzzChat[] chats = [await ChatAsync(http, users[0], users[1], ct), await ChatAsync(http, users[1], users[2], ct)];
            using var openApi = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/openapi/v1.json", UriKind.Relative), ct));
            var fuzzer = new ApiFuzzer(http, openApi, users, chats);

            var watch = Stopwatch.StartNew();
            var warmUp = Math.Max(1, requests / 10);
            await fuzzer.RunAsync(warmUp, threads);
            var afterWarmUp = Memory(server.ProcessId);
            await fuzzer.RunAsync(requests - warmUp, threads);
            var atEnd = Memory(server.ProcessId);

            Console.WriteLine($"server: separate process (dotnet PetitChat.Server.dll), {fuzzer.Operations.Count} operations, {threads} threads");
            Console.WriteLine($"requests: {fuzzer.Requests} in {watch.Elapsed.TotalSeconds:F0} s ({fuzzer.Requests / watch.Elapsed.TotalSeconds:F0}/s)");
            Console.WriteLine($"findings: {fuzzer.Findings.Count}");
            foreach (var finding in fuzzer.Findings.Take(20))
            {
                Console.WriteLine("  " + finding);
            }

            Console.WriteLine($"server memory (VmRSS): {afterWarmUp / 1024.0:F0} MB after {warmUp} requests, {atEnd / 1024.0:F0} MB at the end " +
                $"({(atEnd - afterWarmUp) * 100.0 / afterWarmUp:+0.0;-0.0}%)");
            var errors = ServerErrors(server.Output);
            Console.WriteLine($"server log errors: {errors.Count}");
            foreach (var error in errors.Take(5))
            {
                Console.WriteLine("  " + error);
            }

            // The issue's pass criteria: no 5xx or unanswered request and no other chat's data (the
            // findings), no error in the server's log, memory flat within 10% after the warm-up.
            var flat = atEnd <= afterWarmUp * 1.10;
            var passed = fuzzer.Findings.IsEmpty && errors.Count == 0 && flat;
            Console.WriteLine($"verdict: {(passed ? "PASS" : "FAIL")} (findings {fuzzer.Findings.Count}, log errors {errors.Count}, memory {(flat ? "flat" : "grew over 10%")})");
            if (!passed)
            {
                Environment.ExitCode = 1;
            }
        }
        finally
        {
            await server.StopAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<FuzzChat> ChatAsync(HttpClient http, FuzzUser creator, FuzzUser member, CancellationToken ct)
    {
        using var created = await Send(http, HttpMethod.Post, "/api/v1/chats", creator.Token, $$"""{"name":"fuzz","memberIds":["{{member.Id}}"]}""", ct);
        var chat = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetGuid();
        var secret = $"secret-{Guid.NewGuid():N}";
        using var sent = await Send(http, HttpMethod.Post, $"/api/v1/chats/{chat}/signals", creator.Token, $$"""{"text":"{{secret}}","clientId":"s1"}""", ct);
        var signal = JsonDocument.Parse(await sent.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetGuid();
        return new FuzzChat(chat, secret, new HashSet<Guid> { creator.Id, member.Id }, [signal], []);
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string url, string token, string? json, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return response;
    }

    private static async Task<string> TokenAsync(HttpClient http, string username, CancellationToken ct)
    {
        using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "petitchat-cli",
            ["username"] = username,
            ["password"] = "petitchat",
        }), ct);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// The server's Error and Critical log entries (console format: <c>fail:</c> / <c>crit:</c> and
    /// the indented lines after), but for the BadHttpRequestException that Development logs for a
    /// body that does not bind before the 400 is answered (as FuzzTests does).
    /// </summary>
    private static List<string> ServerErrors(string output)
    {
        var entries = new List<StringBuilder>();
        StringBuilder? current = null;
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("fail: ", StringComparison.Ordinal) || line.StartsWith("crit: ", StringComparison.Ordinal))
            {
                current = new StringBuilder(line);
                entries.Add(current);
            }
            else if (line.StartsWith(' '))
            {
                current?.Append(' ').Append(line.Trim());
            }
            else
            {
                current = null;
            }
        }

        return [.. entries.Select(e => e.ToString()).Where(e => !e.Contains("Microsoft.AspNetCore.Http.BadHttpRequestException", StringComparison.Ordinal))];
    }

    private static long Memory(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    private static long LongArg(string[] args, string name, long fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? long.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PetitChat.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PetitChat.slnx not found above the bench's folder.");
    }
}
