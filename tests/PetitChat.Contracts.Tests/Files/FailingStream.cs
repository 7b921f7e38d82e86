namespace PetitChat.Contracts.Tests.Files;

/// <summary>A stream that gives some bytes and then fails, like a client that goes away mid-upload.</summary>
internal sealed class FailingStream(long bytesBeforeFailure) : Stream
{
    private long _left = bytesBeforeFailure;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_left <= 0)
        {
            throw new IOException("The client went away.");
        }

        var n = (int)Math.Min(count, _left);
        Array.Fill(buffer, (byte)7, offset, n);
        _left -= n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
