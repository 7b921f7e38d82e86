using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace PetitChat.Testing.StandIns;

/// <summary>
/// The HTTP listener loop of the stand-ins and test endpoints (the search engines' stand-ins, the
/// fault run's webhook receiver): listens on 127.0.0.1, hands each request to
/// <see cref="HandleAsync"/>, and turns a stand-in's own failure into a 500 and a recorded
/// violation instead of a hang.
/// </summary>
public abstract class LoopbackJsonServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private Task _loop = Task.CompletedTask;

    protected LoopbackJsonServer(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public async ValueTask DisposeAsync()
    {
        // Close alone: on Linux, Close after Stop removes the port's listener a second time, and
        // HttpListener binds the port anew to remove it (failing with "Address already in use"
        // when another test took the port in between).
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
            // Stopping the listener ends the loop this way.
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Starts listening; called by a subclass at the end of its constructor.</summary>
    protected void Listen()
    {
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    protected abstract Task HandleAsync(HttpListenerContext context);

    /// <summary>Records that the stand-in itself failed on a request, and the body of the 500 it answers.</summary>
    protected abstract JsonNode Failed(string what);

    protected static async Task WriteAsync(HttpListenerResponse response, int status, JsonNode body, string contentType = "application/json")
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await HandleAsync(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client left before its answer (a timeout, as the timeout tests make it): nobody to answer.
            }
            catch (Exception e)
            {
                var body = Failed($"the stand-in failed on {context.Request.HttpMethod} {context.Request.Url?.AbsolutePath}: {e.Message}");
                try
                {
                    await WriteAsync(context.Response, 500, body);
                }
                catch (Exception writing) when (writing is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
                {
                    // The answer had begun, or the client left: the violation above is what the test reads.
                }
            }
        }
    }
}
