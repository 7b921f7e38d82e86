using Microsoft.Extensions.Logging;
using Microsoft.Kiota.Abstractions;
using PetitChat.Core.Presence;

namespace PetitChat.Infrastructure.Microsoft365;

/// <summary>
/// Writes a user's Petit chat status to Microsoft 365 (<c>setStatusMessage</c>) when they linked
/// with write-back on. Does nothing while Microsoft 365 is not configured. In the background:
/// setting a status does not wait on Graph, and a failure is logged, not returned.
/// </summary>
public sealed partial class Microsoft365StatusWriter(
    IPresenceStore store, Microsoft365Options options, IServiceProvider services, ILogger<Microsoft365StatusWriter> logger)
{
    /// <summary>The last write started, so that tests can wait for it.</summary>
    public Task LastWrite { get; private set; } = Task.CompletedTask;

    public void StatusChanged(Guid userId, UserStatus? status)
    {
        if (options.IsEnabled)
        {
            LastWrite = WriteAsync(userId, status);
        }
    }

    private async Task WriteAsync(Guid userId, UserStatus? status)
    {
        try
        {
            if (await store.GetLinkAsync(userId, CancellationToken.None) is not { WriteBack: true } link)
            {
                return;
            }

            var graph = (Microsoft365Graph)services.GetService(typeof(Microsoft365Graph))!;
            if (await graph.ResolveIdAsync(link.Upn, CancellationToken.None) is not { } id)
            {
                return;
            }

            var text = status is null ? string.Empty : string.Join(' ', new[] { status.Emoji, status.Text }.Where(s => !string.IsNullOrEmpty(s)));
            await graph.SetStatusMessageAsync(id, text, status?.ExpiresAt, CancellationToken.None);
        }
        catch (Exception e) when (e is ApiException or HttpRequestException or Microsoft365UnavailableException or OperationCanceledException)
        {
            LogWriteFailed(e, userId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the status of user {UserId} to Microsoft 365 failed")]
    private partial void LogWriteFailed(Exception exception, Guid userId);
}
