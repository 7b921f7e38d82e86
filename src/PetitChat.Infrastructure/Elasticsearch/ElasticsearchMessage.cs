using System.Text.Json.Serialization;

namespace PetitChat.Infrastructure.Elasticsearch;

/// <summary>
/// A message as stored in the index (the <c>_source</c> of a document), with the field names of
/// the index template's strict mappings. <see cref="CreatedAt"/> is UTC, written in ISO 8601.
/// </summary>
public sealed record ElasticsearchMessage(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("chatId")] string ChatId,
    [property: JsonPropertyName("senderId")] string SenderId,
    [property: JsonPropertyName("createdAt")] DateTime CreatedAt,
    [property: JsonPropertyName("hasFile")] bool HasFile,
    [property: JsonPropertyName("text")] string Text);
