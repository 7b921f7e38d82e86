using System.Text.Json;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.E2ee;

/// <summary>
/// A device that never acknowledges (an abandoned browser) must not block the others' key shares:
/// at its cap it loses its oldest messages and every send is still a 201 (docs/e2ee.md).
/// </summary>
public sealed class AbandonedDeviceTests(SmallInboxServer server) : ApiTest(server), IClassFixture<SmallInboxServer>
{
    [Fact]
    public async Task A_device_at_its_cap_keeps_the_newest_messages_and_sends_to_it_are_201()
    {
        var alice = await E2eeClient.RegisterAsync(await NewChatterAsync("alice"));
        var bob = await E2eeClient.RegisterAsync(await NewChatterAsync("bob"));

        for (var n = 0; n < SmallInboxServer.Cap + 2; n++)
        {
            await SendAsync(alice, bob, n);
        }

        Assert.Equal("2,3,4", await PendingAsync(bob));
    }

    [Fact]
    public async Task One_batch_larger_than_the_cap_is_201_and_leaves_its_newest_messages()
    {
        var alice = await E2eeClient.RegisterAsync(await NewChatterAsync("alice"));
        var bob = await E2eeClient.RegisterAsync(await NewChatterAsync("bob"));
        var carol = await E2eeClient.RegisterAsync(await NewChatterAsync("carol"));
        await SendAsync(alice, carol, 0);

        await SendAsync(alice, bob, 10, 11, 12, 13, 14);

        Assert.Equal("12,13,14", await PendingAsync(bob));
        Assert.Equal("0", await PendingAsync(carol));
    }

    [Fact]
    public async Task A_bad_message_beside_a_full_device_still_stores_nothing()
    {
        var alice = await E2eeClient.RegisterAsync(await NewChatterAsync("alice"));
        var bob = await E2eeClient.RegisterAsync(await NewChatterAsync("bob"));
        await SendAsync(alice, bob, 0, 1, 2);

        var batch = new object[]
        {
            new { userId = bob.UserId, deviceId = bob.DeviceId, type = "key_share", content = new { n = 3 } },
            new { userId = bob.UserId, deviceId = "no-such-device", type = "key_share", content = new { n = 4 } },
        };
        await alice.Chatter.PostRawAsync("/api/v1/devices/messages", new { senderDeviceId = alice.DeviceId, messages = batch })
            .ProblemAsync(400, "messages.deviceId");

        Assert.Equal("0,1,2", await PendingAsync(bob));
    }

    private static Task<JsonElement> SendAsync(E2eeClient from, E2eeClient to, params int[] numbers) =>
        from.Chatter.Http.PostJson("/api/v1/devices/messages", new
        {
            senderDeviceId = from.DeviceId,
            messages = numbers.Select(n => new { userId = to.UserId, deviceId = to.DeviceId, type = "key_share", content = new { n } }),
        }).OkJsonAsync(201);

    /// <summary>The numbers of what waits for the device, oldest first, as "2,3,4".</summary>
    private static async Task<string> PendingAsync(E2eeClient device) =>
        string.Join(",", (await device.Chatter.GetAsync($"/api/v1/me/devices/{device.DeviceId}/messages")).Items()
            .Select(m => m.GetProperty("content").GetProperty("n").GetInt32()));
}
