using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using PetitChat.Core.Chats;

namespace PetitChat.Infrastructure.Nats;

/// <summary>
/// Membership changes between nodes: the chat's id (16 bytes) on <c>{SubjectPrefix}.roster</c>,
/// core NATS (outside the events' stream), and the users
/// whose chat partners changed in the header <c>Petitchat-Users</c> (ids without dashes, comma
/// separated). The users go in a header so that the body stays what a node of the previous version
/// reads; a notice without the header (from such a node) names nobody, and drops every user's
/// partners. At most once: a node whose connection drops may miss notices, so it drops its whole
/// cache when the connection opens again, and entries live at most <see cref="RosterCacheOptions.MaxAge"/> anyway.
/// </summary>
public sealed partial class NatsRosterChanges(INatsConnection connection, IOptions<NatsBusOptions> options, ILogger<NatsRosterChanges> logger) : IRosterChanges
{
    private const string UsersHeader = "Petitchat-Users";

    private readonly string _subject = options.Value.SubjectPrefix + ".roster";

    public async Task PublishAsync(RosterChange change, CancellationToken ct)
    {
        var chatId = change.ChatId;
        var headers = change.Users is { } users ? new NatsHeaders { [UsersHeader] = string.Join(',', users.Select(u => u.ToString("N"))) } : null;
        // Bounded: while NATS is away the publish waits for it, and a membership change must not hang on that.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            await connection.PublishAsync(_subject, chatId.ToByteArray(), headers, cancellationToken: timeout.Token);
        }
        catch (Exception e) when (e is NatsException or OperationCanceledException or TimeoutException)
        {
            LogNoticeFailed(e, chatId);
            throw;
        }
    }

    public async Task<IAsyncDisposable> ListenAsync(Action<RosterChange> changed, Action missed, CancellationToken ct)
    {
        var sub = await connection.SubscribeCoreAsync<byte[]>(_subject, cancellationToken: ct);
        ValueTask Reopened(object? sender, NatsEventArgs args)
        {
            missed();
            return ValueTask.CompletedTask;
        }

        connection.ConnectionOpened += Reopened;
        // Whatever was cached before this subscription was live may have missed a notice.
        missed();
        var stop = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var msg in sub.Msgs.ReadAllAsync(stop.Token))
                {
                    if (msg.Data is { Length: 16 } id)
                    {
                        changed(new RosterChange(new Guid(id), UsersOf(msg.Headers)));
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopping.
            }
        }, CancellationToken.None);
        return new Listening(() =>
        {
            connection.ConnectionOpened -= Reopened;
            stop.Cancel();
        }, sub, reading, stop);
    }

    /// <summary>The users a notice names, or null (everyone) when it names none or cannot be read.</summary>
    private static List<Guid>? UsersOf(NatsHeaders? headers)
    {
        if (headers is null || !headers.TryGetValue(UsersHeader, out var values) || values.Count != 1)
        {
            return null;
        }

        var users = new List<Guid>();
        foreach (var part in values[0]!.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Guid.TryParseExact(part, "N", out var user))
            {
                return null;
            }

            users.Add(user);
        }

        return users;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The notice that chat {ChatId}'s members changed did not reach NATS; other nodes keep the old members for at most RosterCache:MaxAge")]
    private partial void LogNoticeFailed(Exception exception, Guid chatId);

    private sealed class Listening(Action stop, INatsSub<byte[]> sub, Task reading, CancellationTokenSource stopping) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            stop();
            await sub.DisposeAsync();
            await reading;
            stopping.Dispose();
        }
    }
}
