using System.Net;
using System.Net.Sockets;

namespace PetitChat.Testing;

public static class LoopbackPort
{
    /// <summary>
    /// A TCP port on 127.0.0.1 that was free a moment ago. The OS picks it, so parallel test
    /// runs do not collide the way fixed ports do.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout, Func<bool>? hasExited = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            if (hasExited?.Invoke() == true)
            {
                throw new InvalidOperationException($"The process meant to listen on port {port} exited.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
                return;
            }
            catch (SocketException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Nothing listened on 127.0.0.1:{port} within {timeout}.");
            }

            // A timeout during this wait is a timeout too, so that EngineProcess kills what it started.
            if (!await Task.Delay(50, cts.Token).ContinueWith(static t => !t.IsCanceled, TaskScheduler.Default))
            {
                throw new TimeoutException($"Nothing listened on 127.0.0.1:{port} within {timeout}.");
            }
        }
    }
}
