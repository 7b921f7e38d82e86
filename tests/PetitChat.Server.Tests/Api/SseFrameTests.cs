using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PetitChat.Core.Events;
using PetitChat.Core.Signals;
using PetitChat.Server.Events;

namespace PetitChat.Server.Tests.Api;

/// <summary>
/// An event's lines are written as UTF-8 straight from the serializer (decision 0016, 2026-12-01):
/// the same bytes the stream wrote through strings before, without the copies.
/// </summary>
public sealed class SseFrameTests
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    [Fact]
    public void A_durable_event_is_its_id_type_and_json_lines_as_before()
    {
        var delivered = new DeliveredEvent("4711", new SignalCreated(Message("déjà vu 👋 \"quoted\"\nnext line")));

        using var frame = SseFrame.Of(delivered, Options);

        Assert.Equal(Lines(delivered), Encoding.UTF8.GetString(frame.Bytes.Span));
    }

    [Fact]
    public void Options_with_another_encoder_on_the_same_thread_are_written_with_theirs()
    {
        var relaxed = new JsonSerializerOptions(Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var delivered = new DeliveredEvent("4712", new SignalCreated(Message("déjà vu")));

        using (var first = SseFrame.Of(delivered, relaxed))
        {
            Assert.Contains("déjà vu", Encoding.UTF8.GetString(first.Bytes.Span), StringComparison.Ordinal);
        }

        using var second = SseFrame.Of(delivered, Options);

        Assert.Equal(Lines(delivered), Encoding.UTF8.GetString(second.Bytes.Span));
    }

    [Fact]
    public void An_ephemeral_event_has_no_id_line()
    {
        var delivered = new DeliveredEvent(null, new TypingStarted(Guid.CreateVersion7(), Guid.CreateVersion7(), null, DateTimeOffset.UtcNow));

        using var frame = SseFrame.Of(delivered, Options);

        var text = Encoding.UTF8.GetString(frame.Bytes.Span);
        Assert.Equal(Lines(delivered), text);
        Assert.StartsWith("event: typing\ndata: {", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Framing_an_event_allocates_less_than_half_the_frame()
    {
        var text = new string('x', 3_000);
        // The thread's buffer and writer are made by the first frame, and the pool fills then.
        SseFrame.Of(new DeliveredEvent("11", new SignalCreated(Message(text))), Options).Dispose();
        // Another event object, as each NATS delivery is: nothing is shared with the first.
        var delivered = new DeliveredEvent("12", new SignalCreated(Message(text)));

        var before = GC.GetAllocatedBytesForCurrentThread();
        int length;
        using (var frame = SseFrame.Of(delivered, Options))
        {
            length = frame.Bytes.Length;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // Through strings it was the JSON as UTF-16, the lines around it again, then the bytes: over five times the frame.
        Assert.True(allocated < length / 2, $"{allocated} bytes allocated for a frame of {length}");
    }

    [Fact]
    public void An_event_that_several_streams_write_is_serialized_for_the_first_two_only()
    {
        // The in-process bus hands the same event object to every recipient, each with its own id.
        var shared = new SignalCreated(Message(new string('y', 3_000) + " déjà vu"));
        var deliveries = Enumerable.Range(1, 4).Select(i => new DeliveredEvent($"20{i}", shared)).ToList();
        SseFrame.Of(deliveries[0], Options).Dispose();
        SseFrame.Of(deliveries[1], Options).Dispose();

        var before = GC.GetAllocatedBytesForCurrentThread();
        using var third = SseFrame.Of(deliveries[2], Options);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var length = third.Bytes.Length;

        Assert.Equal(Lines(deliveries[2]), Encoding.UTF8.GetString(third.Bytes.Span));
        Assert.True(allocated < length / 10, $"{allocated} bytes allocated for a frame of {length} whose JSON was kept");
        using var fourth = SseFrame.Of(deliveries[3], Options);
        Assert.Equal(Lines(deliveries[3]), Encoding.UTF8.GetString(fourth.Bytes.Span));
    }

    /// <summary>What the stream wrote before frames: the JSON as a string, the lines around it, then UTF-8.</summary>
    private static string Lines(DeliveredEvent delivered)
    {
        var (type, data) = EventPayloads.Of(delivered.Event);
        var payload = JsonSerializer.Serialize(data, data.GetType(), Options);
        return delivered.Id is null ? $"event: {type}\ndata: {payload}\n\n" : $"id: {delivered.Id}\nevent: {type}\ndata: {payload}\n\n";
    }

    private static Signal Message(string text) =>
        new(Guid.CreateVersion7(), Guid.CreateVersion7(), SignalKind.Message, Guid.CreateVersion7(), text, "c1", DateTimeOffset.UtcNow, null, null, []);
}
