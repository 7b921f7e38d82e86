using System.Text.Json;
using Microsoft.Extensions.Options;
using PetitChat.Core.Apps;
using PetitChat.Core.Common;
using PetitChat.Core.Events;
using PetitChat.Core.Notifications;

namespace PetitChat.Server.Apps;

/// <summary>
/// Wraps the event bus: after an event is published to its recipients, each recipient that is an
/// app's bot subscribed to the event's type (<see cref="AppEvents"/>) gets a delivery, queued on the
/// notification queue as a job that carries the event's JSON (at least once from here on). Only the
/// enqueue happens on the send's path, and only for chats with such a bot: nothing is stored here
/// (the workers record each delivery once attempted, in batches), and the app itself is called by
/// the workers, so a slow or failing app never delays a send. A failure here is logged and never
/// fails the send, which is already stored and published.
/// </summary>
public sealed partial class AppEventTap(
    IEventBus inner,
    AppDirectory directory,
    INotificationQueue queue,
    Ids ids,
    TimeProvider time,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ILogger<AppEventTap> logger) : IEventBus
{
    public async Task PublishAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct)
    {
        await inner.PublishAsync(liveEvent, recipients, ct);
        if (liveEvent is not ChatEvent chatEvent || AppEvents.Of(liveEvent) is not { } mapped)
        {
            return;
        }

        try
        {
            var apps = (await directory.GetAsync(CancellationToken.None)).ByBotUser;
            if (apps.Count == 0)
            {
                return;
            }

            List<NotificationJob>? jobs = null;
            foreach (var recipient in recipients)
            {
                if (apps.TryGetValue(recipient, out var app) && recipient != mapped.ActorId && AppEventNames.Wants(app.Events, mapped.Type))
                {
                    (jobs ??= []).Add(JobFor(app, chatEvent.ChatId, mapped.Type, mapped.Payload));
                }
            }

            if (jobs is not null)
            {
                await queue.EnqueueAsync(jobs, CancellationToken.None);
            }
        }
#pragma warning disable CA1031 // The send is stored and published; an app event lost here is logged (see the summary).
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogNotQueued(e, chatEvent.ChatId, mapped.Type);
        }
    }

    /// <summary>Ephemeral events (presence) are no app event: passed through.</summary>
    public Task PublishEphemeralAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct) =>
        inner.PublishEphemeralAsync(liveEvent, recipients, ct);

    public Task<IAsyncEnumerable<DeliveredEvent>> SubscribeAsync(Guid userId, string? lastEventId, CancellationToken ct) =>
        inner.SubscribeAsync(userId, lastEventId, ct);

    private NotificationJob JobFor(App app, Guid chatId, string type, object payload)
    {
        var now = time.GetUtcNow();
        var id = ids.Next();
        var body = JsonSerializer.Serialize(new AppEventEnvelope(type, id, now, app.Id, chatId, payload), json.Value.SerializerOptions);
        return AppDeliveries.JobFor(app, new AppDelivery(id, app.Id, chatId, type, body, AppDeliveryStatus.Pending, 0, 0, null, now, now), now);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "App event {Type} of chat {ChatId} was not queued")]
    private partial void LogNotQueued(Exception e, Guid chatId, string type);
}
