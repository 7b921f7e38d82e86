using System.Security.Cryptography;
using System.Text;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.InProcess.Notifications;

/// <summary>
/// The embedded ledger (one worker, so this process's memory is enough): the keys of the last day,
/// at most <c>maxKeys</c> of them, the oldest going first, and the push marks of the last day.
/// A key is kept as the first 16 bytes of its SHA-256 (64 bytes with its place in a queue in write order), so
/// that dropping the oldest is a dequeue. A <c>MemoryCache</c> held these before: 339 bytes a
/// key with the key's string, and past its size limit it refused new keys and sorted every entry
/// to drop a twentieth of them, again after each twentieth written (every 7 s at 800 messages/s to
/// rooms of ten, whose recipients' jobs each write a key). See docs/decisions/0014, 2026-12-03 (3).
/// </summary>
public sealed class InMemoryDeliveryLedger(TimeProvider? time = null, int maxKeys = InMemoryDeliveryLedger.DefaultMaxKeys) : IDeliveryLedger
{
    /// <summary>Keys kept at most by default: 64 MB of them (<c>bench -- ledger</c>), a day of a million recipients' jobs.</summary>
    public const int DefaultMaxKeys = 1_000_000;

    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly HashSet<Guid> _keys = [];
    private readonly Queue<(Guid Key, long AtTicks)> _written = new();
    private readonly Dictionary<(Guid User, Guid Chat), (PushMark Mark, DateTimeOffset At)> _marks = [];
    private DateTimeOffset _marksSweptAt = DateTimeOffset.MinValue;

    /// <summary>Keys held now (for tests).</summary>
    public int KeyCount
    {
        get
        {
            lock (_gate)
            {
                return _keys.Count;
            }
        }
    }

    public Task<bool> ContainsAsync(string key, CancellationToken ct)
    {
        var hash = Hash(key);
        lock (_gate)
        {
            DropKeysBefore(_time.GetUtcNow() - Retention);
            return Task.FromResult(_keys.Contains(hash));
        }
    }

    public Task AddAsync(string key, CancellationToken ct)
    {
        var hash = Hash(key);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_keys.Add(hash))
            {
                _written.Enqueue((hash, now.UtcTicks));
            }

            DropKeysBefore(now - Retention);
        }

        return Task.CompletedTask;
    }

    public Task<Guid?> GetCoveredAsync(Guid userId, Guid chatId, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            return Task.FromResult(_marks.TryGetValue((userId, chatId), out var kept) && kept.At >= now - Retention ? kept.Mark.Covered : null);
        }
    }

    public Task<PushMark> ChangeMarkAsync(Guid userId, Guid chatId, Func<PushMark, PushMark> change, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var mark = _marks.TryGetValue((userId, chatId), out var kept) && kept.At >= now - Retention ? kept.Mark : PushMark.None;
            var next = change(mark);
            if (next != mark)
            {
                _marks[(userId, chatId)] = (next, now);
                SweepMarks(now);
            }

            return Task.FromResult(next);
        }
    }

    /// <summary>Under the gate: the keys written before <paramref name="horizon"/>, and the oldest past the bound.</summary>
    private void DropKeysBefore(DateTimeOffset horizon)
    {
        while (_written.TryPeek(out var oldest) && (_written.Count > maxKeys || oldest.AtTicks < horizon.UtcTicks))
        {
            _keys.Remove(_written.Dequeue().Key);
        }
    }

    /// <summary>Under the gate: forgets the marks not written for the retention, at most once a minute or when past the bound.</summary>
    private void SweepMarks(DateTimeOffset now)
    {
        if (now - _marksSweptAt < TimeSpan.FromMinutes(1) && _marks.Count <= maxKeys)
        {
            return;
        }

        _marksSweptAt = now;
        var horizon = now - Retention;
        foreach (var (pair, kept) in _marks)
        {
            if (kept.At < horizon)
            {
                _marks.Remove(pair);
            }
        }

        if (_marks.Count > maxKeys)
        {
            // Still too many written within the day: the older half goes, as the cache dropped the least recent.
            var keep = _marks.OrderByDescending(entry => entry.Value.At).Take(maxKeys / 2).ToList();
            _marks.Clear();
            foreach (var (pair, kept) in keep)
            {
                _marks[pair] = kept;
            }
        }
    }

    /// <summary>As the project hashes ids elsewhere (AppDeliveries): 16 bytes of the SHA-256, a Guid's fast equality.</summary>
    private static Guid Hash(string key) => new(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));
}
