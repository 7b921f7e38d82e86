namespace PetitChat.Core.Search;

/// <summary>
/// <c>GET /api/v1/search</c> as sent: the query (words and operators) and the same filters as
/// parameters, which win over operators in the query.
/// </summary>
public sealed record GlobalSearchRequest(
    string? Q, string? From, string? In, string? Before, string? After, string? Has, string? Sort, string? Cursor, int? Limit);
