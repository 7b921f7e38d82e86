using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Apps;

/// <summary>
/// An app's event url on 127.0.0.1 that records every POST (body and headers) and answers 200, or
/// the statuses it is told to answer next; while held (<see cref="Hold"/>), it records a POST and
/// keeps the answer until <see cref="Release"/> (a slow app).
/// </summary>
public sealed class AppListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _answers = new();
    private volatile TaskCompletionSource? _held;
    private readonly ConcurrentQueue<(JsonElement Body, byte[] Raw, IReadOnlyDictionary<string, string> Headers, int Status)> _received = new();

    private AppListener(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public IReadOnlyList<(JsonElement Body, byte[] Raw, IReadOnlyDictionary<string, string> Headers, int Status)> Received => [.. _received];

    public static async Task<AppListener> StartAsync()
    {
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var listener = new AppListener(app, $"http://127.0.0.1:{port}/events");
        app.MapPost("/events", listener.ReceiveAsync);
        await app.StartAsync();
        return listener;
    }

    public void AnswerNext(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _answers.Enqueue(status);
        }
    }

    public void Hold() => _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => Interlocked.Exchange(ref _held, null)?.TrySetResult();

    /// <summary>Waits until a POST matches; fails after 30 s.</summary>
    public async Task<(JsonElement Body, byte[] Raw, IReadOnlyDictionary<string, string> Headers, int Status)> WaitForAsync(
        Func<JsonElement, int, bool> match)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            foreach (var r in _received)
            {
                if (match(r.Body, r.Status))
                {
                    return r;
                }
            }

            await Task.Delay(20, deadline.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var raw = buffer.ToArray();
        var status = _answers.TryDequeue(out var next) ? next : 200;
        _received.Enqueue((JsonDocument.Parse(raw).RootElement.Clone(), raw, request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()), status));
        if (_held is { } held)
        {
            await held.Task;
        }

        return Results.StatusCode(status);
    }
}
