using System.Globalization;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>Best-first searches: BM25 among the newest matches, ranked here (see <see cref="SqliteBm25"/>).</summary>
public sealed partial class SqliteSearchIndex
{
    /// <summary>
    /// Best first among the newest <see cref="SqliteSearchOptions.BestCandidates"/> matches of
    /// <paramref name="where"/> (its parameters already on <paramref name="command"/>, the FTS5
    /// expression as <c>@match</c>): FTS5 walks the matches newest first (its rowids are time keys,
    /// see <see cref="SqliteSearchKeys"/>) and stops there, with each candidate's text. They are
    /// ranked by <see cref="SqliteBm25"/> here, not by FTS5's bm25(), whose first call in a cursor
    /// counts every document of each phrase (a common word's whole doclist, once per search).
    /// With one term its IDF is a constant and the index is asked nothing more; with more, each
    /// term's IDF comes from the newest <see cref="SqliteSearchOptions.IdfWindow"/> documents
    /// (<see cref="IdfAsync"/>). Snippets are made for the page's rows only, each looked up by
    /// rowid. Ties: newest first (signal id descending), as before.
    /// </summary>
    private async Task<IReadOnlyList<SearchHit>> BestAsync(
        SqliteCommand command, string where, IReadOnlyList<SqliteSearchTerm> terms, int offset, int limit, CancellationToken ct)
    {
        command.CommandText = $"""
            SELECT search_text.rowid, d.signal_id, d.chat_id, d.sender_id, d.created_at, search_text.text
            FROM search_text
            JOIN search_documents d ON d.doc_id = search_text.rowid
            WHERE {where}
            ORDER BY search_text.rowid DESC
            LIMIT {Math.Max(options.BestCandidates, 1).ToString(CultureInfo.InvariantCulture)}
            """;
        var candidates = new List<Candidate>();
        var texts = new List<List<string>>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                candidates.Add(new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
                texts.Add(SqliteBm25.Tokens(reader.GetString(5)));
            }
        }

        if (candidates.Count <= offset)
        {
            return [];
        }

        var connection = command.Connection!;
        var idf = terms.Count > 1 && candidates.Count > 1 ? await IdfAsync(connection, terms, texts, ct) : [.. terms.Select(_ => 1.0)];
        var scores = SqliteBm25.Scores(texts, terms, idf);
        var order = Enumerable.Range(0, candidates.Count).ToArray();
        Array.Sort(order, (a, b) => scores[a] != scores[b]
            ? scores[b].CompareTo(scores[a])
            : string.CompareOrdinal(candidates[b].SignalId, candidates[a].SignalId));
        var page = order.Skip(offset).Take(limit).ToList();

        // The page's snippets, each row looked up by rowid. The last word, a prefix, is asked as
        // the whole words it matched in these rows, which marks the same words: as a prefix, FTS5
        // would merge the doclists of every word it covers again for each row (see
        // SqliteSearchTerm.ExactExpression). A row that finds no snippet so (a word this side
        // folds differently from unicode61) asks again with the prefix itself.
        var pageTexts = page.Select(i => texts[i]).ToList();
        var exact = string.Join(" AND ", terms.Select(t => t.ExactExpression(SqliteBm25.Completions(pageTexts, t, int.MaxValue))));
        var snippets = await SnippetsAsync(connection, exact, page.Select(i => candidates[i].DocId).ToList(), ct);
        var missing = page.Where(i => !snippets.ContainsKey(candidates[i].DocId)).Select(i => candidates[i].DocId).ToList();
        if (missing.Count > 0)
        {
            foreach (var (docId, snippet) in await SnippetsAsync(connection, (string)command.Parameters["@match"].Value!, missing, ct))
            {
                snippets[docId] = snippet;
            }
        }

        // A row removed between the statements has no snippet: it is left out, as it would be a moment later.
        var hits = new List<SearchHit>(page.Count);
        foreach (var i in page)
        {
            var candidate = candidates[i];
            if (snippets.TryGetValue(candidate.DocId, out var snippet))
            {
                hits.Add(Hit(candidate.SignalId, candidate.ChatId, candidate.SenderId, candidate.CreatedAt, snippet));
            }
        }

        return hits;
    }

    private async Task<Dictionary<long, string>> SnippetsAsync(SqliteConnection connection, string match, List<long> docIds, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT search_text.rowid, snippet(search_text, 0, @start, @end, '…', @words)
            FROM json_each(@page) AS page
            CROSS JOIN search_text ON search_text.rowid = page.value
            WHERE search_text MATCH @match
            """;
        AddSnippetParameters(command);
        command.Parameters.AddWithValue("@match", match);
        command.Parameters.AddWithValue("@page", "[" + string.Join(',', docIds.Select(id => id.ToString(CultureInfo.InvariantCulture))) + "]");
        var snippets = new Dictionary<long, string>(docIds.Count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            snippets[reader.GetInt64(0)] = reader.GetString(1);
        }

        return snippets;
    }

    /// <summary>
    /// Each term's IDF among the newest <see cref="SqliteSearchOptions.IdfWindow"/> documents of
    /// the index (all chats): a recent-window IDF. Counting a term's documents in the whole index
    /// is what made FTS5's bm25() slow; in the window, FTS5 seeks its doclist to the window's first
    /// rowid and counts at most the window's size. A word common lately weighs less than a rare one.
    /// A prefix counts as its most frequent completions among the candidates (a prefix itself
    /// would merge whole doclists, see <see cref="SqliteSearchTerm.ExactExpression"/>).
    /// </summary>
    private async Task<double[]> IdfAsync(
        SqliteConnection connection, IReadOnlyList<SqliteSearchTerm> terms, List<List<string>> candidates, CancellationToken ct)
    {
        var window = Math.Max(options.IdfWindow, 1);
        await using var first = connection.CreateCommand();
        first.CommandText = "SELECT doc_id FROM search_documents ORDER BY doc_id DESC LIMIT 1 OFFSET @skip";
        first.Parameters.AddWithValue("@skip", window - 1);
        long documents = window;
        if (await first.ExecuteScalarAsync(ct) is not long low)
        {
            low = long.MinValue;
            first.CommandText = "SELECT count(*) FROM search_documents";
            documents = (long)(await first.ExecuteScalarAsync(ct))!;
        }

        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM search_text WHERE search_text MATCH @term AND search_text.rowid >= @low";
        count.Parameters.AddWithValue("@low", low);
        var term = count.Parameters.Add(new SqliteParameter("@term", ""));
        var idf = new double[terms.Count];
        for (var i = 0; i < terms.Count; i++)
        {
            term.Value = terms[i].ExactExpression(SqliteBm25.Completions(candidates, terms[i], 16));
            idf[i] = SqliteBm25.Idf(documents, (long)(await count.ExecuteScalarAsync(ct))!);
        }

        return idf;
    }

    private sealed record Candidate(long DocId, string SignalId, string ChatId, string SenderId, string CreatedAt);
}
