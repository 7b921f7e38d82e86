using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;

namespace PetitChat.Server.Limits;

/// <summary>
/// Request timeouts over the body too. The timeout middleware cancels <c>RequestAborted</c>, but
/// minimal APIs read a JSON body without that token, so a client trickling its body just above
/// Kestrel's minimum data rate (240 bytes a second) held a request for as long as it liked
/// (40 minutes for a 1 MB body; seen by hand at 45 s under a 30 s timeout). Reads of the body
/// here end with the request's timeout, which then answers 503 as for a slow handler.
/// </summary>
public static class TimedRequestBody
{
    /// <summary>After <c>UseRequestTimeouts</c>, whose feature carries the token.</summary>
    public static WebApplication UseTimedRequestBodies(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpRequestTimeoutFeature>() is { } timeout
                && context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true })
            {
                context.Request.Body = new TimedStream(context.Request.Body, timeout.RequestTimeoutToken);
            }

            return next(context);
        });
        return app;
    }

    /// <summary>The body's stream with every read also ended by <c>timeout</c>.</summary>
    private sealed class TimedStream(Stream inner, CancellationToken timeout) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!cancellationToken.CanBeCanceled)
            {
                return await inner.ReadAsync(buffer, timeout);
            }

            using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout);
            return await inner.ReadAsync(buffer, both.Token);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        // Kestrel refuses synchronous reads unless allowed; the inner stream decides.
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
