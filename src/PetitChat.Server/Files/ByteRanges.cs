using Microsoft.Net.Http.Headers;

namespace PetitChat.Server.Files;

/// <summary>The one byte range of a <c>Range</c> header that the server honours.</summary>
public static class ByteRanges
{
    /// <summary>
    /// Null when the whole file should be sent: no Range, a unit other than bytes, several ranges
    /// (allowed by RFC 9110: a server may ignore Range), or an <c>If-Range</c> that does not
    /// match. <c>Satisfiable = false</c> for a range that starts past the end (a 416).
    /// </summary>
    public static (long Start, long End, bool Satisfiable)? Of(HttpRequest request, long length, string etag)
    {
        var headers = request.GetTypedHeaders();
        if (headers.Range is not { Ranges.Count: 1 } range || !string.Equals(range.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (headers.IfRange is { } ifRange && (ifRange.EntityTag is null || ifRange.EntityTag.Tag.Value != etag))
        {
            return null;
        }

        var item = range.Ranges.First();
        if (item.From is null)
        {
            // "bytes=-N": the last N bytes.
            var suffix = item.To ?? 0;
            return suffix == 0 || length == 0 ? (0, 0, false) : (Math.Max(0, length - suffix), length - 1, true);
        }

        var start = item.From.Value;
        if (start >= length)
        {
            return (0, 0, false);
        }

        return (start, Math.Min(item.To ?? long.MaxValue, length - 1), true);
    }

    public static string Unsatisfiable(long length) => new ContentRangeHeaderValue(length).ToString();
}
