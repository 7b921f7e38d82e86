using System.Diagnostics;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

/// <summary>
/// Receipts:CoalesceWindow (1 s here, the default): a chat's pointer moves reach each member as at
/// most one <c>receipt</c> event per window, carrying the latest pointer of each member that moved.
/// </summary>
public sealed class ReceiptCoalescingTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task A_group_reading_messages_gives_one_receipt_event_per_window_with_every_members_latest_pointers()
    {
        var alice = await NewChatterAsync("alice");
        var readers = await NewChattersAsync(6);
        var chat = (await alice.CreateGroupAsync("readers", readers)).Id();
        var first = (await alice.SendAsync(chat, "one")).Id();
        var last = (await alice.SendAsync(chat, "two")).Id();
        await using var stream = await alice.OpenEventsAsync();

        // Each reader marks the first message read, then the last: four pointer moves each.
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(readers.Select(async r =>
        {
            await r.MarkAsync(chat, first, "read");
            await r.MarkAsync(chat, last, "read");
        }));

        // The last moves fall inside a window: they come with its end, not lost.
        var read = new Dictionary<Guid, Guid>();
        var delivered = new Dictionary<Guid, Guid>();
        var events = 0;
        while (readers.Any(r => read.GetValueOrDefault(r.Id) != last || delivered.GetValueOrDefault(r.Id) != last))
        {
            var receipt = await stream.NextAsync(e => e.Type == "receipt");
            events++;
            foreach (var move in receipt.Data.GetProperty("receipts").EnumerateArray())
            {
                var pointers = move.Str("state") == "read" ? read : delivered;
                var (user, signal) = (move.GetProperty("userId").GetGuid(), move.GetProperty("signalId").GetGuid());
                Assert.Equal(chat, receipt.Data.GetProperty("chatId").GetGuid());
                Assert.True(pointers.GetValueOrDefault(user).CompareTo(signal) <= 0, "a pointer went back");
                pointers[user] = signal;
            }
        }

        var windows = Stopwatch.GetElapsedTime(started).TotalSeconds;
        // One event per move would be 24; coalesced, at most one per window (plus the one that opens it).
        Assert.True(events <= 2 + (int)windows, $"{events} receipt events in {windows:F1} s for {readers.Length * 4} moves");
    }
}
