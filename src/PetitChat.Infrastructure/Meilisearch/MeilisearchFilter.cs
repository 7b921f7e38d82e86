using System.Globalization;
using System.Text;
using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Meilisearch;

/// <summary>
/// Filter expressions built from values, never by pasting raw text: a value is always a
/// double-quoted string with <c>\</c> and <c>"</c> escaped by a backslash, so it cannot close
/// the string and add <c>OR</c>, parentheses or another condition.
/// </summary>
public static class MeilisearchFilter
{
    /// <summary><c>attribute = "value"</c>; <paramref name="attribute"/> is ours, never a user's.</summary>
    public static string Equal(string attribute, string value) => $"{attribute} = {Quote(value)}";

    /// <summary>
    /// <c>chatId IN ["…", …]</c> and the filters that are set, joined with <c>AND</c>; every value
    /// is ours (ids, numbers), quoted all the same.
    /// </summary>
    public static string Global(IReadOnlyCollection<Guid> chatIds, SearchFilters filters)
    {
        var filter = new StringBuilder("chatId IN [");
        filter.AppendJoin(", ", chatIds.Select(id => Quote(id.ToString("D")))).Append(']');
        if (filters.SenderId is { } sender)
        {
            filter.Append(" AND ").Append(Equal("senderId", sender.ToString("D")));
        }

        if (filters.After is { } after)
        {
            filter.Append(CultureInfo.InvariantCulture, $" AND createdAtMs >= {after.ToUnixTimeMilliseconds()}");
        }

        if (filters.Before is { } before)
        {
            filter.Append(CultureInfo.InvariantCulture, $" AND createdAtMs < {before.ToUnixTimeMilliseconds()}");
        }

        if (filters.HasFile)
        {
            filter.Append(" AND hasFile = true");
        }

        return filter.ToString();
    }

    public static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                quoted.Append('\\');
            }

            quoted.Append(c);
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>
    /// The <c>q</c> for the words of a query: Meilisearch reads <c>"…"</c> as a phrase and a
    /// leading <c>-</c> as "without", so those characters are dropped; everything else is text.
    /// </summary>
    public static string Query(IReadOnlyList<string> words)
    {
        var parts = new List<string>(words.Count);
        foreach (var word in words)
        {
            foreach (var piece in word.Replace('"', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var text = piece.TrimStart('-');
                if (text.Length > 0)
                {
                    parts.Add(text);
                }
            }
        }

        return string.Join(' ', parts);
    }
}
