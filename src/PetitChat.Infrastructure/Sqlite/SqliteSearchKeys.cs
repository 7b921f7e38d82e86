namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The rowids of the FTS5 index (search_text) and of search_documents: a document's key is its
/// time in Unix milliseconds shifted left by <see cref="SequenceBits"/>, plus a sequence number
/// among the documents of the same millisecond. Keys then sort as the messages' times do, so
/// FTS5 can walk a word's matches newest first (<c>ORDER BY rowid DESC</c>, which it does
/// without sorting) and a search stops when its page is full. Within one millisecond the
/// order is the order of indexing; <see cref="SqliteSearchIndex"/> reads a millisecond's rows
/// whole and orders them exactly.
/// </summary>
internal static class SqliteSearchKeys
{
    /// <summary>A million documents in one millisecond; keys still fit 63 bits until the year 2248.</summary>
    public const int SequenceBits = 20;

    private const long MaxMilliseconds = (1L << (63 - SequenceBits)) - 1;

    /// <summary>The first key of the millisecond of <paramref name="at"/>; times before 1970 or after 2248 share the ends.</summary>
    public static long First(DateTimeOffset at) => Math.Clamp(at.ToUnixTimeMilliseconds(), 0, MaxMilliseconds) << SequenceBits;

    /// <summary>The last key of the millisecond that starts at <paramref name="first"/>.</summary>
    public static long Last(long first) => first | ((1L << SequenceBits) - 1);

    /// <summary>The key after <paramref name="last"/> in its millisecond.</summary>
    public static long Next(long last) => last < Last(last)
        ? last + 1
        : throw new InvalidOperationException("More than a million search documents in one millisecond.");

    public static bool SameMillisecond(long a, long b) => a >> SequenceBits == b >> SequenceBits;
}
