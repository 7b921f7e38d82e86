using System.Text.Json.Serialization;

namespace PetitChat.Infrastructure.Meilisearch;

// The request and response bodies of Meilisearch's HTTP API that this adapter uses, named as in
// its API reference (https://www.meilisearch.com/docs/reference/api). Internal: nothing else
// speaks this wire format.

/// <summary>
/// One message in the index; <c>id</c> is the primary key. <c>createdAtMs</c> (Unix milliseconds)
/// and <c>hasFile</c> are for the global search's filters and its newest-first sort.
/// </summary>
internal sealed record MeiliDocument(string Id, string ChatId, string SenderId, string Text, string CreatedAt, long CreatedAtMs = 0, bool HasFile = false);

internal sealed record MeiliCreateIndex(string Uid, string PrimaryKey);

internal sealed record MeiliSettings(string[] SearchableAttributes, string[] FilterableAttributes, string[] DisplayedAttributes)
{
    public string[] SortableAttributes { get; init; } = [];
}

internal sealed record MeiliSearchRequest(
    string Q,
    string Filter,
    int Offset,
    int Limit,
    string[] AttributesToRetrieve,
    string[] AttributesToHighlight,
    string[] AttributesToCrop,
    int CropLength,
    string CropMarker,
    string HighlightPreTag,
    string HighlightPostTag,
    string MatchingStrategy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string[]? Sort = null);

internal sealed record MeiliSearchResponse(List<MeiliHit>? Hits, int Offset, int Limit, int? EstimatedTotalHits, int ProcessingTimeMs);

internal sealed record MeiliHit(
    string? Id,
    string? ChatId,
    string? SenderId,
    string? CreatedAt,
    string? Text,
    [property: JsonPropertyName("_formatted")] MeiliFormatted? Formatted);

internal sealed record MeiliFormatted(string? Text);

/// <summary>The summarized task of a 202 answer.</summary>
internal sealed record MeiliEnqueuedTask(long TaskUid, string? IndexUid, string? Status, string? Type);

/// <summary>A task from <c>GET /tasks/{uid}</c>.</summary>
internal sealed record MeiliTask(long Uid, string? IndexUid, string? Status, string? Type, MeiliError? Error);

internal sealed record MeiliError(string? Message, string? Code, string? Type, string? Link);
