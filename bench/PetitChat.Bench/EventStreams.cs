using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace PetitChat.Bench;

/// <summary>
/// Many users' event streams read by one thread, over plain sockets and Linux's epoll, for the
/// benchmarks whose client shares two cores with the servers it measures. Read through
/// <see cref="HttpClient"/> with a task per stream, every event costs the client a wake-up of the
/// runtime's socket engine, a thread-pool hop and a read of the chunked body stream, and those
/// wake-ups compete with the servers for the cores just when an event goes out (the fanout bench's
/// two-node p99 was 10.7 ms with that reader and 7.7–9.1 ms with this one, docs/decisions/0014,
/// 2026-12-02). Here one thread waits on every stream at once, reads what each has, decodes the
/// chunked body and hands the "bench #N#" stamp of each data line to the callback, on that thread.
/// </summary>
internal sealed class EventStreams : IDisposable
{
    private readonly Connection[] _connections;
    private readonly int _epoll;
    private readonly Thread _thread;
    private volatile bool _stopping;

    private EventStreams(Connection[] connections)
    {
        _connections = connections;
        _epoll = epoll_create1(EpollCloexec);
        if (_epoll < 0)
        {
            throw new IOException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        }

        for (var i = 0; i < connections.Length; i++)
        {
            var watch = new EpollEvent { Events = EpollIn, Data = (ulong)i };
            if (epoll_ctl(_epoll, EpollCtlAdd, (int)connections[i].Socket.Handle, ref watch) < 0)
            {
                throw new IOException($"epoll_ctl failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "event streams" };
        _thread.Start();
    }

    /// <summary>Streams that ended or failed while being read (the server closed them).</summary>
    public int Closed { get; private set; }

    /// <summary>
    /// Opens one stream per (server, user's token), eight at a time, and returns once every one
    /// has answered 200 and sent its first comment (the server has subscribed it);
    /// <paramref name="onSequence"/> gets (index of the stream, stamp).
    /// </summary>
    public static async Task<EventStreams> OpenAsync(IReadOnlyList<(Uri Server, string Token)> streams, Action<int, int> onSequence, CancellationToken ct)
    {
        var connections = new Connection[streams.Count];
        // Synchronous calls only: an asynchronous one would register the socket with the
        // runtime's own epoll, which would then wake for every event too.
        await Parallel.ForAsync(0, streams.Count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, (i, _) =>
        {
            connections[i] = Connection.Open(streams[i].Server, streams[i].Token, i, onSequence);
            return ValueTask.CompletedTask;
        });
        return new EventStreams(connections);
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        foreach (var connection in _connections)
        {
            connection.Socket.Dispose();
        }

        _ = close(_epoll);
    }

    private void Run()
    {
        var ready = new EpollEvent[256];
        while (!_stopping)
        {
            var count = epoll_wait(_epoll, ready, ready.Length, 100);
            if (count < 0 && Marshal.GetLastPInvokeError() != EIntr)
            {
                throw new IOException($"epoll_wait failed: errno {Marshal.GetLastPInvokeError()}");
            }

            for (var i = 0; i < count; i++)
            {
                var connection = _connections[(int)ready[i].Data];
                if (!connection.Receive())
                {
                    var watch = default(EpollEvent);
                    _ = epoll_ctl(_epoll, EpollCtlDel, (int)connection.Socket.Handle, ref watch);
                    Closed++;
                }
            }
        }
    }

    /// <summary>One stream: its socket, and the state of the chunked body and of the SSE lines in it.</summary>
    private sealed class Connection(Socket socket, int index, Action<int, int> onSequence)
    {
        private readonly byte[] _received = new byte[16 * 1024];
        private byte[] _body = new byte[16 * 1024];
        private int _bodyEnd;
        private ChunkState _state;
        private int _chunkLeft;
        private bool _connected;

        private enum ChunkState { Size, SizeExtension, Data, DataEnd }

        public Socket Socket => socket;

        public static Connection Open(Uri server, string token, int index, Action<int, int> onSequence)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Connect(new IPEndPoint(IPAddress.Parse(server.Host), server.Port));
                socket.Send(Encoding.ASCII.GetBytes(
                    $"GET /api/v1/events HTTP/1.1\r\nHost: {server.Authority}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"));
                var connection = new Connection(socket, index, onSequence);
                connection.ReadHeadersAndFirstComment();
                return connection;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <summary>Reads what the socket has; false once the stream has ended.</summary>
        public bool Receive()
        {
            var read = socket.Receive(_received, SocketFlags.None, out var error);
            if (read <= 0 || error != SocketError.Success)
            {
                return false;
            }

            return Decode(_received.AsSpan(0, read));
        }

        private void ReadHeadersAndFirstComment()
        {
            var head = new List<byte>();
            int end;
            while ((end = IndexOfHeadEnd(head)) < 0)
            {
                var read = socket.Receive(_received);
                if (read == 0)
                {
                    throw new IOException("The server closed an event stream before its headers.");
                }

                head.AddRange(_received.AsSpan(0, read));
            }

            var bytes = CollectionsMarshal.AsSpan(head);
            var headers = Encoding.ASCII.GetString(bytes[..end]);
            if (!headers.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
            {
                throw new HttpRequestException($"GET /api/v1/events answered {headers.Split('\r')[0]}");
            }

            if (!headers.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new NotSupportedException("The event stream is not chunked; this reader decodes only chunked bodies.");
            }

            var alive = Decode(bytes[(end + 4)..]);
            while (alive && !_connected)
            {
                alive = Receive();
            }

            if (!alive)
            {
                throw new IOException("The server closed an event stream before its first comment.");
            }
        }

        private static int IndexOfHeadEnd(List<byte> head) => CollectionsMarshal.AsSpan(head).IndexOf("\r\n\r\n"u8);

        /// <summary>Takes the chunk framing off what was received, then handles every complete line; false at the last chunk.</summary>
        private bool Decode(ReadOnlySpan<byte> received)
        {
            while (!received.IsEmpty)
            {
                switch (_state)
                {
                    case ChunkState.Data:
                        var take = Math.Min(_chunkLeft, received.Length);
                        Append(received[..take]);
                        received = received[take..];
                        _chunkLeft -= take;
                        _state = _chunkLeft == 0 ? ChunkState.DataEnd : ChunkState.Data;
                        break;
                    case ChunkState.DataEnd:
                        _state = received[0] == (byte)'\n' ? ChunkState.Size : ChunkState.DataEnd;
                        received = received[1..];
                        break;
                    default:
                        var b = received[0];
                        received = received[1..];
                        if (b == (byte)'\n')
                        {
                            if (_chunkLeft == 0)
                            {
                                return false;
                            }

                            _state = ChunkState.Data;
                        }
                        else if (_state == ChunkState.Size && HexValue(b) is var digit and >= 0)
                        {
                            _chunkLeft = _chunkLeft * 16 + digit;
                        }
                        else
                        {
                            _state = ChunkState.SizeExtension;
                        }

                        break;
                }
            }

            HandleLines();
            return true;
        }

        private void Append(ReadOnlySpan<byte> data)
        {
            if (_bodyEnd + data.Length > _body.Length)
            {
                Array.Resize(ref _body, Math.Max(_body.Length * 2, _bodyEnd + data.Length));
            }

            data.CopyTo(_body.AsSpan(_bodyEnd));
            _bodyEnd += data.Length;
        }

        private void HandleLines()
        {
            var start = 0;
            int newline;
            while ((newline = _body.AsSpan(start, _bodyEnd - start).IndexOf((byte)'\n')) >= 0)
            {
                var line = _body.AsSpan(start, newline);
                start += newline + 1;
                if (line.StartsWith("data: "u8))
                {
                    if (FanoutBenchmark.ParseSequence(line) is { } seq)
                    {
                        onSequence(index, seq);
                    }
                }
                else if (line.StartsWith(": connected"u8))
                {
                    _connected = true;
                }
            }

            _body.AsSpan(start, _bodyEnd - start).CopyTo(_body);
            _bodyEnd -= start;
        }

        private static int HexValue(byte b) => b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            _ => -1,
        };
    }

    private const int EpollCloexec = 0x80000;
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const uint EpollIn = 0x001;
    private const int EIntr = 4;

    /// <summary>struct epoll_event, packed on x86-64.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_create1(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_ctl(int epfd, int op, int fd, ref EpollEvent @event);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_wait(int epfd, [Out] EpollEvent[] events, int maxEvents, int timeout);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
