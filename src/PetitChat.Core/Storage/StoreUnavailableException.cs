namespace PetitChat.Core.Storage;

/// <summary>
/// The store's engine did not answer, or answered "busy", after the retries that were safe: the
/// request may be retried later. The server maps it to 503 with a problem document. A write that
/// throws it may or may not have been applied; every store write is safe to repeat.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
