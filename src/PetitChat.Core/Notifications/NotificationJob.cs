namespace PetitChat.Core.Notifications;

/// <summary>
/// "Maybe tell <see cref="UserId"/> about signal <see cref="SignalId"/> in <see cref="ChatId"/>",
/// queued on the recipient's topic when the message is sent and handled no earlier than
/// <see cref="NotBefore"/> (the send time plus the read delay). <see cref="Id"/> is the
/// idempotency key: the same (signal, recipient) always makes the same id, so a job enqueued
/// or delivered twice is pushed once.
/// </summary>
public sealed record NotificationJob(string Id, Guid UserId, Guid ChatId, Guid SignalId, DateTimeOffset NotBefore)
{
    /// <summary>
    /// What an app job posts (the event's JSON), carried in the job so that queueing it is the only
    /// work on the send's path and the worker needs no store read; null on every other job.
    /// </summary>
    public string? Body { get; init; }

    public static NotificationJob For(Guid userId, Guid chatId, Guid signalId, DateTimeOffset notBefore) =>
        new($"{signalId:N}.{userId:N}", userId, chatId, signalId, notBefore);

    /// <summary>Starts the id of an "incoming call" job, which the worker decides apart from messages.</summary>
    public const string CallPrefix = "call.";

    /// <summary>An "incoming call" job for the call's <c>call_started</c> signal.</summary>
    public static NotificationJob ForCall(Guid userId, Guid chatId, Guid signalId, DateTimeOffset notBefore) =>
        new($"{CallPrefix}{signalId:N}.{userId:N}", userId, chatId, signalId, notBefore);

    /// <summary>Starts the id of a thread reply's job, decided for thread participants (not the main timeline).</summary>
    public const string ThreadPrefix = "thread.";

    /// <summary>A job for a participant of the thread that <paramref name="signalId"/> replies in.</summary>
    public static NotificationJob ForThread(Guid userId, Guid chatId, Guid signalId, DateTimeOffset notBefore) =>
        new($"{ThreadPrefix}{signalId:N}.{userId:N}", userId, chatId, signalId, notBefore);
}
