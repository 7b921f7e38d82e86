using System.Text.Json.Serialization;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>
/// Jobs not due yet, queued together (one message's, for each recipient), as one message on the
/// queue's stream until they are due: a group message costs NATS one publish, not one per member,
/// and no job at all for the members who have a stream open when it is due. See
/// <see cref="NatsNotificationQueue"/> (Fans.cs) and docs/decisions/0024-notification-fans.md.
/// </summary>
public sealed record NotificationFan(IReadOnlyList<NotificationJob> Jobs)
{
    /// <summary>Jobs of one fan at most (about 250 bytes each, well under NATS' 1 MB message); more go one by one.</summary>
    public const int MaxJobs = 2_000;

    /// <summary>The message id of the fan's publish: a send planned again (a retry after a 503) is stored once.</summary>
    [JsonIgnore]
    public string Id => $"fan.{Jobs[0].Id}";

    [JsonIgnore]
    public Guid ChatId => Jobs[0].ChatId;

    [JsonIgnore]
    public DateTimeOffset NotBefore => Jobs[0].NotBefore;

    /// <summary>
    /// A fan for <paramref name="jobs"/> when they are all due at one time after <paramref name="now"/>,
    /// of one chat, and none is a call's (due at once anyway) or an app's (which has its own rules), else null.
    /// </summary>
    public static NotificationFan? Of(IReadOnlyCollection<NotificationJob> jobs, DateTimeOffset now)
    {
        if (jobs.Count is 0 or > MaxJobs)
        {
            return null;
        }

        var first = jobs.First();
        if (first.NotBefore <= now)
        {
            return null;
        }

        foreach (var job in jobs)
        {
            if (job.Body is not null || job.NotBefore != first.NotBefore || job.ChatId != first.ChatId
                || job.Id.StartsWith(NotificationJob.CallPrefix, StringComparison.Ordinal))
            {
                return null;
            }
        }

        return new NotificationFan([.. jobs]);
    }
}
