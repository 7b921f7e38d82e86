using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace PetitChat.Bench;

/// <summary>
/// A full blocking collection in another .NET process, asked for over EventPipe the way
/// dotnet-gcdump does: enabling the runtime provider's GCHeapCollect keyword makes the runtime
/// collect. Memory figures read after it are what live objects hold, not garbage not yet collected.
/// </summary>
internal static class InducedCollection
{
    private const long GcHeapCollectKeyword = 0x800000;

    public static async Task RunAsync(int processId, CancellationToken ct)
    {
        var client = new DiagnosticsClient(processId);
        var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcHeapCollectKeyword);
        using var session = await client.StartEventPipeSessionAsync([provider], requestRundown: false, circularBufferMB: 16, ct);
        // The collection runs while the session is on; drain its events so the runtime never blocks on the pipe.
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var draining = session.EventStream.CopyToAsync(Stream.Null, drain.Token);
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        await session.StopAsync(ct);
        try
        {
            await draining;
        }
        catch (OperationCanceledException)
        {
            // The stream ends when the session stops; the timeout only bounds a stuck pipe.
        }
    }
}
