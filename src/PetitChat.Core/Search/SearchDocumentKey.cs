namespace PetitChat.Core.Search;

/// <summary>
/// Which document to remove from the index: its signal, and the chat it belongs to, so that an
/// engine that places documents by chat (Elasticsearch routes them to a shard by chat id) can
/// find it without asking every shard. The search job of a removal knows both.
/// </summary>
public sealed record SearchDocumentKey(Guid ChatId, Guid SignalId);
