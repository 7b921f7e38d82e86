using Microsoft.Net.Http.Headers;
using PetitChat.Core.Files;

namespace PetitChat.Server.Files;

/// <summary>
/// Writes an opened blob (whole, or the one range asked for) with headers that keep browsers
/// from treating user bytes as something else: the detected type, <c>nosniff</c>, a sandboxing
/// CSP, and <c>Content-Disposition</c> from the caller.
/// </summary>
public sealed class BlobStreamResult(BlobContent blob, string contentType, string contentDisposition, string etag, (long Start, long End)? range)
    : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var content = blob;
        var response = httpContext.Response;
        var headers = response.Headers;
        headers.ContentType = contentType;
        headers.ContentDisposition = contentDisposition;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'";
        headers.AcceptRanges = "bytes";
        headers.ETag = etag;
        headers.CacheControl = "private, max-age=3600";
        if (range is { } r)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            headers.ContentRange = new ContentRangeHeaderValue(r.Start, r.End, blob.TotalLength).ToString();
            response.ContentLength = r.End - r.Start + 1;
        }
        else
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentLength = blob.TotalLength;
        }

        await content.Content.CopyToAsync(response.Body, httpContext.RequestAborted);
    }
}
