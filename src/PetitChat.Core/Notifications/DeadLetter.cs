namespace PetitChat.Core.Notifications;

/// <summary>A job given up on, with why and after how many attempts.</summary>
public sealed record DeadLetter(NotificationJob Job, string Reason, int Attempts, DateTimeOffset At);
