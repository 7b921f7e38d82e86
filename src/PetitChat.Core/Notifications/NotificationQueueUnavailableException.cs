namespace PetitChat.Core.Notifications;

/// <summary>
/// The notification queue did not take a message's jobs (its engine is unreachable or did not
/// acknowledge). The message is stored and its live events went out; a send repeated with the same
/// clientId queues the jobs again (their ids come from the message's, so copies are dropped).
/// </summary>
public sealed class NotificationQueueUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
