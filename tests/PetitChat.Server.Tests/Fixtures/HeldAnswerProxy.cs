using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Fixtures;

/// <summary>
/// An HTTP forwarder on 127.0.0.1 in front of a real engine (here dynalite), which can hold the
/// engine's answer to one chosen request: the engine has done the write, its caller has not heard
/// so yet. That is the moment a client hanging up, or a node dying, hurts most; a test opens it
/// on purpose instead of hoping for a loaded machine to do so.
/// </summary>
public sealed class HeldAnswerProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _engine;
    private readonly Lock _gate = new();
    private Hold? _armed;

    private HeldAnswerProxy(WebApplication app, Uri engine, Uri origin)
    {
        _app = app;
        _engine = new HttpClient { BaseAddress = engine, Timeout = TimeSpan.FromMinutes(1) };
        Origin = origin;
    }

    public Uri Origin { get; }

    public static async Task<HeldAnswerProxy> StartAsync(Uri engine)
    {
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var proxy = new HeldAnswerProxy(app, engine, new Uri($"http://127.0.0.1:{port}/"));
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        return proxy;
    }

    /// <summary>Holds the answer to the next request whose body contains all of <paramref name="parts"/>.</summary>
    public Hold HoldNext(params string[] parts)
    {
        var hold = new Hold(parts);
        lock (_gate)
        {
            _armed = hold;
        }

        return hold;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, CancellationToken.None);
        var bytes = body.ToArray();
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        Hold? hold = null;
        lock (_gate)
        {
            if (_armed is { } armed && armed.Parts.All(p => text.Contains(p, StringComparison.Ordinal)))
            {
                (hold, _armed) = (armed, null);
            }
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString)
        {
            Content = new ByteArrayContent(bytes),
        };
        foreach (var (name, values) in context.Request.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        // Never cancelled by the caller: the engine does the write whatever the caller does next.
        using var answer = await _engine.SendAsync(request, CancellationToken.None);
        var answerBody = await answer.Content.ReadAsByteArrayAsync(CancellationToken.None);
        if (hold is not null)
        {
            hold.Written.TrySetResult();
            await Task.WhenAny(hold.Released.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
            if (context.RequestAborted.IsCancellationRequested)
            {
                hold.CallerGaveUp.TrySetResult();
                return;
            }
        }

        context.Response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Content.Headers.Concat(answer.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await context.Response.Body.WriteAsync(answerBody, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _armed?.Released.TrySetResult();
        }

        await _app.DisposeAsync();
        _engine.Dispose();
    }

    /// <summary>One held answer: the engine wrote, the caller waits until <see cref="Release"/> or gives up.</summary>
    public sealed class Hold(string[] parts)
    {
        internal string[] Parts => parts;

        /// <summary>Completes once the engine has answered (the write is done) and the answer is held.</summary>
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the caller (the server) cancels its request while the answer is held.</summary>
        public TaskCompletionSource CallerGaveUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.TrySetResult();
    }
}
