namespace PetitChat.Core.Notifications;

/// <summary>A job as a worker receives it: <see cref="Attempt"/> is 1 on first delivery and grows on each redelivery.</summary>
public sealed record QueuedJob(NotificationJob Job, int Attempt);
