using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PetitChat.Testing.Cluster;

/// <summary>
/// A constant send load through the gateway, every member holding a live stream, while the
/// cluster is broken on purpose: <c>kill -9</c> of server2 (started again later), one nats-server
/// killed and started again, notifier1 paused (SIGSTOP) for <see cref="NotifierPause"/> then
/// resumed. Then it counts what arrived (see <see cref="FaultReport"/>). Used by the short CI
/// test and by <c>bench -- faults</c>; faults happen at fixed fractions of <see cref="Load"/>.
/// Meanwhile one more user sends, at random gaps around the read delay, to a chat of
/// <see cref="PushMembers"/> users who hold no stream and have a webhook on a
/// <see cref="WebhookReceiver"/>: their pushes are counted per (user, message) (<see cref="PushCount"/>).
/// The cluster must run with <see cref="ClusterSettings"/>.
/// </summary>
public sealed class FaultScenario(LocalCluster cluster)
{
    /// <summary>The read delay that the push chat's gaps are drawn around.</summary>
    public static readonly TimeSpan ReadDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The cluster's settings for a fault run: webhooks on loopback allowed (the receiver is in the
    /// test process) and a short read delay, so that pushes go out during the run.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ClusterSettings = new Dictionary<string, string>
    {
        ["Notifications__Outbound__AllowLoopback"] = "true",
        ["Notifications__ReadDelay"] = ReadDelay.ToString(),
    };

    /// <summary>Users without a stream, with a webhook, in the push chat.</summary>
    public int PushMembers { get; init; } = 2;

    public TimeSpan Load { get; init; } = TimeSpan.FromSeconds(40);

    public int Members { get; init; } = 4;

    /// <summary>Each member sends one message, waits for its answer, then waits this long.</summary>
    public TimeSpan SendInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan NotifierPause { get; init; } = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<string> _log = new();
    private readonly Stopwatch _clock = new();

    public async Task<FaultReport> RunAsync(CancellationToken ct)
    {
        _clock.Start();
        var members = new List<Member>();
        for (var i = 0; i < Members; i++)
        {
            members.Add(await Member.SignInAsync(cluster, $"fault{i}-{Guid.NewGuid():N}"[..24], ct));
        }

        var chatId = await members[0].CreateGroupAsync(members.Skip(1).Select(m => m.Id), ct);
        await using var receiver = WebhookReceiver.Start();
        var pusher = await Member.SignInAsync(cluster, $"pusher-{Guid.NewGuid():N}"[..24], ct);
        var pushed = new List<Member>();
        for (var i = 0; i < PushMembers; i++)
        {
            var member = await Member.SignInAsync(cluster, $"pushed{i}-{Guid.NewGuid():N}"[..24], ct);
            receiver.Trust(member.Id, await member.SetWebhookAsync(receiver.UrlFor(member.Id), ct));
            pushed.Add(member);
        }

        var pushChatId = await pusher.CreateGroupAsync(pushed.Select(m => m.Id), ct);
        using var stopStreams = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var streams = members.Select(m => m.StreamAsync(chatId, stopStreams.Token)).ToList();
        await Task.WhenAll(members.Select(m => m.Connected.Task.WaitAsync(TimeSpan.FromSeconds(30), ct)));
        Note("streams open; load starts");

        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var senders = members.Select((m, i) => m.SendLoopAsync(chatId, i, () => SendInterval, stopSending.Token)).ToList();
        // Gaps from a fifth to twice the read delay: some messages get a push of their own, the
        // others fold into the next one.
        senders.Add(pusher.SendLoopAsync(pushChatId, Members, () => ReadDelay * (0.2 + (Random.Shared.NextDouble() * 1.8)), stopSending.Token));
        await FaultsAsync(ct);
        await stopSending.CancelAsync();
        await Task.WhenAll(senders);
        Note("load stopped");

        var acknowledged = members.SelectMany(m => m.Acknowledged).ToList();
        // Streams get the last messages, or a reset: wait for each member to have every message.
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30) && members.Any(m => !m.HasAll(acknowledged)))
        {
            await Task.Delay(100, ct);
        }

        await stopStreams.CancelAsync();
        await Task.WhenAll(streams);

        var stored = await members[0].TimelineClientIdsAsync(chatId, ct);
        var recovered = 0;
        foreach (var m in members.Where(m => m.Resets > 0))
        {
            // A client that got a reset refetches: what the timeline has is not lost to it.
            recovered += m.RecoverFrom(stored, acknowledged);
        }

        for (var i = 0; i < members.Count; i++)
        {
            var missing = members[i].MissingOnes(acknowledged);
            if (missing.Count > 0)
            {
                Note($"member {i} never got on its stream: {string.Join(", ", missing.Take(20).Select(a => $"{a.Sender}-{a.Sequence}"))}");
            }
        }

        var pushes = await CountPushesAsync(receiver, pushed, pushChatId, [.. pusher.Acknowledged.Select(a => a.SignalId)], ct);
        members.ForEach(m => m.Dispose());
        pushed.ForEach(m => m.Dispose());
        pusher.Dispose();
        return new FaultReport(
            Attempts: members.Sum(m => m.Attempts),
            Acknowledged: acknowledged.Count,
            MissingFromStore: acknowledged.Count(a => !stored.Contains(a.ClientId)),
            Lost: members.Sum(m => m.MissingOnes(acknowledged).Count),
            Duplicated: members.Sum(m => m.Duplicates),
            OutOfOrder: members.Sum(m => m.OutOfOrder()),
            Resets: members.Sum(m => m.Resets),
            Recovered: recovered,
            WorstResume: members.Max(m => m.WorstResume),
            Reconnects: members.Sum(m => m.Reconnects),
            Log: [.. _log])
        {
            Pushes = pushes,
        };
    }

    /// <summary>
    /// Waits until every push member has a push covering each acknowledged message of the push chat
    /// and the notifiers' queue is empty (no job left that could push again), then counts.
    /// </summary>
    private async Task<PushCount> CountPushesAsync(WebhookReceiver receiver, List<Member> pushed, Guid chatId, List<Guid> acknowledged, CancellationToken ct)
    {
        PushCount Count() => PushCount.Of([.. pushed.Select(m => m.Id)], chatId, acknowledged, receiver.Received, receiver.BadSignatures);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60) && Count().Missing > 0)
        {
            await Task.Delay(200, ct);
        }

        Note($"pushes cover every message or the wait is over ({deadline.Elapsed.TotalSeconds:0.0} s)");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        deadline.Restart();
        while (deadline.Elapsed < TimeSpan.FromSeconds(40) && await QueueDepthAsync(http, ct) is not 0)
        {
            await Task.Delay(500, ct);
        }

        Note($"notification queue empty or the wait is over ({deadline.Elapsed.TotalSeconds:0.0} s)");
        var count = Count();
        foreach (var member in pushed)
        {
            var covered = receiver.Received.Where(p => p.UserId == member.Id && p.ChatId == chatId).SelectMany(p => p.SignalIds).ToHashSet();
            var missing = acknowledged.Where(id => !covered.Contains(id)).ToList();
            if (missing.Count > 0)
            {
                Note($"push member {member.Id} never got a push covering {string.Join(", ", missing.Take(10))}");
            }
        }

        return count;
    }

    /// <summary>The job stream's depth from notifier2's metrics (refreshed every 10 s), or null when it has none.</summary>
    private async Task<long?> QueueDepthAsync(HttpClient http, CancellationToken ct)
    {
        try
        {
            var text = await http.GetStringAsync(new Uri(cluster.Notifier(2), "/metrics"), ct);
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("petitchat_notify_queue_depth", StringComparison.Ordinal)
                    && double.TryParse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var depth))
                {
                    return (long)depth;
                }
            }
        }
        catch (HttpRequestException)
        {
            // Not answering: no reading.
        }

        return null;
    }

    private async Task FaultsAsync(CancellationToken ct)
    {
        var start = _clock.Elapsed;
        async Task At(double fraction)
        {
            var due = start + (Load * fraction) - _clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, ct);
            }
        }

        await At(0.15);
        await cluster.KillAsync("server2", ct);
        Note("server2 killed (-9)");
        await At(0.30);
        await cluster.KillAsync("nats2", ct);
        Note("nats2 killed (-9)");
        await At(0.45);
        await cluster.StartAsync("nats2", ct);
        Note("nats2 started again and healthy");
        await At(0.50);
        cluster.Pause("notifier1");
        Note("notifier1 paused (SIGSTOP)");
        await Task.Delay(NotifierPause, ct);
        cluster.Resume("notifier1");
        Note("notifier1 resumed (SIGCONT)");
        await cluster.StartAsync("server2", ct);
        Note("server2 started again and ready");
        await At(1.0);
    }

    private void Note(string what) => _log.Enqueue($"{_clock.Elapsed.TotalSeconds,6:0.0} s  {what}");

    /// <summary>A message a sender had acknowledged: its clientId, sender and place in that sender's sequence.</summary>
    public sealed record Sent(string ClientId, int Sender, int Sequence, Guid SignalId);

    private sealed class Member(HttpClient http, Guid id) : IDisposable
    {
        public void Dispose() => http.Dispose();

        private readonly List<string> _received = [];
        private readonly HashSet<string> _seen = [];
        private readonly HashSet<string> _recovered = [];
        private readonly ConcurrentQueue<Sent> _acknowledged = new();

        public Guid Id => id;

        public TaskCompletionSource Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IEnumerable<Sent> Acknowledged => _acknowledged;

        public int Attempts { get; private set; }

        public int Duplicates { get; private set; }

        public int Resets { get; private set; }

        public int Reconnects { get; private set; }

        public TimeSpan WorstResume { get; private set; }

        public static async Task<Member> SignInAsync(LocalCluster cluster, string username, CancellationToken ct)
        {
            var http = new HttpClient { BaseAddress = cluster.Gateway, Timeout = Timeout.InfiniteTimeSpan };
            using var token = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "password",
                ["client_id"] = "petitchat-cli",
                ["username"] = username,
                ["password"] = cluster.Password,
            }), ct);
            var body = await token.Content.ReadAsStringAsync(ct);
            if (!token.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"token request failed: {(int)token.StatusCode} {body}");
            }

            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString());
            using var me = await http.GetAsync(new Uri("/api/v1/me", UriKind.Relative), ct);
            me.EnsureSuccessStatusCode();
            var userId = JsonDocument.Parse(await me.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetGuid();
            return new Member(http, userId);
        }

        /// <summary>Sets the user's webhook; the answer's secret, which signs every push.</summary>
        public async Task<string> SetWebhookAsync(Uri url, CancellationToken ct)
        {
            using var response = await http.PutAsJsonAsync(new Uri("/api/v1/me/webhook", UriKind.Relative), new { url = url.AbsoluteUri }, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"setting the webhook failed: {(int)response.StatusCode} {body}");
            }

            return JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString()!;
        }

        public async Task<Guid> CreateGroupAsync(IEnumerable<Guid> others, CancellationToken ct)
        {
            using var response = await http.PostAsJsonAsync(new Uri("/api/v1/chats", UriKind.Relative), new { memberIds = others.ToArray(), name = "faults" }, ct);
            response.EnsureSuccessStatusCode();
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetGuid();
        }

        /// <summary>Sends one message at a time; a failed send is retried with the same clientId until it is answered.</summary>
        public async Task SendLoopAsync(Guid chatId, int sender, Func<TimeSpan> interval, CancellationToken stop)
        {
            for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
            {
                var clientId = $"{sender}-{sequence}-{Guid.NewGuid():N}";
                // Once a send is attempted it is retried until answered, even after the load stops:
                // a stored but unanswered message would otherwise be neither acknowledged nor absent.
                using var give = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                while (!give.IsCancellationRequested)
                {
                    Attempts++;
                    try
                    {
                        using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                        using var response = await http.PostAsJsonAsync(new Uri($"/api/v1/chats/{chatId}/signals", UriKind.Relative),
                            new { kind = "message", text = $"m {sender} {sequence}", clientId }, attempt.Token);
                        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                        {
                            var signal = JsonDocument.Parse(await response.Content.ReadAsStringAsync(attempt.Token)).RootElement;
                            _acknowledged.Enqueue(new Sent(clientId, sender, sequence, signal.GetProperty("id").GetGuid()));
                            break;
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                    {
                        // The node died under it, or the gateway had nowhere to send it: try again.
                    }

                    await Task.Delay(100, CancellationToken.None);
                }

                try
                {
                    await Task.Delay(interval(), stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        /// <summary>Holds the live stream through the gateway, resuming from the last id whenever it breaks.</summary>
        public async Task StreamAsync(Guid chatId, CancellationToken stop)
        {
            string? lastId = null;
            Stopwatch? broken = null;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events");
                    if (lastId is not null)
                    {
                        request.Headers.Add("Last-Event-ID", lastId);
                    }

                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
                    response.EnsureSuccessStatusCode();
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop), Encoding.UTF8);
                    string? id = null, type = null, data = null;
                    while (await reader.ReadLineAsync(stop) is { } line)
                    {
                        if (line.StartsWith(": connected", StringComparison.Ordinal))
                        {
                            if (broken is not null)
                            {
                                WorstResume = broken.Elapsed > WorstResume ? broken.Elapsed : WorstResume;
                                broken = null;
                                Reconnects++;
                            }

                            Connected.TrySetResult();
                        }
                        else if (line.StartsWith("id: ", StringComparison.Ordinal))
                        {
                            id = line[4..];
                        }
                        else if (line.StartsWith("event: ", StringComparison.Ordinal))
                        {
                            type = line[7..];
                        }
                        else if (line.StartsWith("data: ", StringComparison.Ordinal))
                        {
                            data = line[6..];
                        }
                        else if (line.Length == 0 && type is not null)
                        {
                            Take(chatId, type, data);
                            lastId = id ?? lastId;
                            (id, type, data) = (null, null, null);
                        }
                    }
                }
                catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !stop.IsCancellationRequested))
                {
                    // The node or the gateway cut it: resume below.
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                broken ??= Stopwatch.StartNew();
                try
                {
                    await Task.Delay(100, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private void Take(Guid chatId, string type, string? data)
        {
            if (type == "reset")
            {
                lock (_received)
                {
                    Resets++;
                }

                return;
            }

            if (type != "signal" || data is null)
            {
                return;
            }

            var signal = JsonDocument.Parse(data).RootElement;
            if (signal.GetProperty("chatId").GetGuid() != chatId || signal.GetProperty("clientId").GetString() is not { } clientId)
            {
                return;
            }

            lock (_received)
            {
                if (!_seen.Add(clientId))
                {
                    Duplicates++;
                }

                _received.Add(clientId);
            }
        }

        public bool HasAll(List<Sent> acknowledged)
        {
            lock (_received)
            {
                return Resets > 0 || acknowledged.All(a => _seen.Contains(a.ClientId));
            }
        }

        public List<Sent> MissingOnes(List<Sent> acknowledged)
        {
            lock (_received)
            {
                return [.. acknowledged.Where(a => !_seen.Contains(a.ClientId) && !_recovered.Contains(a.ClientId))];
            }
        }

        public int RecoverFrom(HashSet<string> stored, List<Sent> acknowledged)
        {
            lock (_received)
            {
                foreach (var a in acknowledged.Where(a => !_seen.Contains(a.ClientId) && stored.Contains(a.ClientId)))
                {
                    _recovered.Add(a.ClientId);
                }

                return _recovered.Count;
            }
        }

        /// <summary>Messages of one sender that came after a later one of the same sender.</summary>
        public int OutOfOrder()
        {
            lock (_received)
            {
                var last = new Dictionary<int, int>();
                var count = 0;
                foreach (var clientId in _received)
                {
                    var parts = clientId.Split('-');
                    var (sender, sequence) = (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                    if (last.TryGetValue(sender, out var previous) && sequence <= previous)
                    {
                        count++;
                    }

                    last[sender] = Math.Max(sequence, last.GetValueOrDefault(sender, -1));
                }

                return count;
            }
        }

        /// <summary>Every clientId in the chat's timeline, read page by page through the gateway.</summary>
        public async Task<HashSet<string>> TimelineClientIdsAsync(Guid chatId, CancellationToken ct)
        {
            var ids = new HashSet<string>();
            string? before = null;
            do
            {
                var url = $"/api/v1/chats/{chatId}/signals?limit=100" + (before is null ? "" : $"&before={Uri.EscapeDataString(before)}");
                using var response = await http.GetAsync(new Uri(url, UriKind.Relative), ct);
                response.EnsureSuccessStatusCode();
                var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
                foreach (var item in page.GetProperty("items").EnumerateArray())
                {
                    if (item.TryGetProperty("clientId", out var c) && c.GetString() is { } clientId)
                    {
                        ids.Add(clientId);
                    }
                }

                before = page.GetProperty("nextCursor").GetString();
            }
            while (before is not null);
            return ids;
        }
    }
}
