using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PetitChat.Core.Events;
using PetitChat.Server.Events;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

public sealed class EventFramesTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public void An_event_for_many_streams_is_serialized_once_and_each_frame_keeps_its_own_id()
    {
        // The server's own JSON options, so the data line is what the streams write.
        var frames = new EventFrames(Server.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>());
        var reaction = new ReactionChanged(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "👀", Added: true, Count: 2);

        var first = Encoding.UTF8.GetString(frames.Format(new DeliveredEvent("e1-7", reaction)));
        var second = Encoding.UTF8.GetString(frames.Format(new DeliveredEvent("e1-8", reaction)));
        var ephemeral = Encoding.UTF8.GetString(frames.Format(new DeliveredEvent(null, reaction)));

        Assert.Equal(1, frames.Serialized);
        Assert.StartsWith("id: e1-7\nevent: reaction\ndata: {", first, StringComparison.Ordinal);
        Assert.StartsWith("id: e1-8\nevent: reaction\ndata: {", second, StringComparison.Ordinal);
        Assert.StartsWith("event: reaction\ndata: {", ephemeral, StringComparison.Ordinal);
        Assert.EndsWith("}\n\n", first, StringComparison.Ordinal);
        Assert.Equal(first["id: e1-7\n".Length..], second["id: e1-8\n".Length..]);
        var data = JsonDocument.Parse(first.Split("data: ")[1]).RootElement;
        Assert.Equal("👀", data.GetProperty("emoji").GetString());
        Assert.Equal(2, data.GetProperty("count").GetInt32());
    }

    [Fact]
    public void Only_the_newest_events_keep_their_bytes_and_an_older_one_is_serialized_again()
    {
        var frames = new EventFrames(Server.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>());
        var first = new ChatChanged(Guid.NewGuid(), Removed: false);
        var firstFrame = frames.Format(new DeliveredEvent("e-0", first));
        for (var i = 1; i <= EventFrames.Kept; i++)
        {
            frames.Format(new DeliveredEvent($"e-{i}", new ChatChanged(Guid.NewGuid(), Removed: false)));
        }

        var again = frames.Format(new DeliveredEvent("e-0", first));

        Assert.Equal(EventFrames.Kept + 2, frames.Serialized);
        Assert.Equal(firstFrame, again);
    }

    [Fact]
    public async Task Every_member_of_a_group_gets_the_same_signal_data_with_an_id_of_its_own()
    {
        var (alice, bob, carol) = (await NewChatterAsync(), await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateGroupAsync("frames", bob, carol)).Id();
        await using var bobs = await bob.OpenEventsAsync();
        await using var carols = await carol.OpenEventsAsync();

        var sent = await alice.SendAsync(chat, "once for all");
        var atBob = await bobs.NextAsync(e => e.Type == "signal");
        var atCarol = await carols.NextAsync(e => e.Type == "signal");

        Assert.Equal(sent.Id(), atBob.Data.Id());
        Assert.Equal(atBob.Data.GetRawText(), atCarol.Data.GetRawText());
        Assert.NotEqual(atBob.Id, atCarol.Id);
    }
}
