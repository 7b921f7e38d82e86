using PetitChat.Core.Chats;

namespace PetitChat.Server.Chats;

/// <summary>
/// Listens to the other nodes' membership changes from start-up, before requests are served
/// (hosted services start before the server listens), so that no send on this node trusts a
/// cached chat whose change it could not hear of.
/// </summary>
internal sealed class RosterChangesListener(RosterCache rosters) : IHostedService
{
    private IAsyncDisposable? _listening;

    public async Task StartAsync(CancellationToken cancellationToken) => _listening = await rosters.ListenAsync(cancellationToken);

    // A host may be stopped twice (stopped, then disposed): only the first stops listening.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _listening, null) is { } listening)
        {
            await listening.DisposeAsync();
        }
    }
}
