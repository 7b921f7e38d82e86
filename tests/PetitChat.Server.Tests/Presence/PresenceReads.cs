namespace PetitChat.Server.Tests.Presence;

/// <summary>Watching presence reads over time, on one node or several.</summary>
public static class PresenceReads
{
    /// <summary>
    /// Reads (all of <paramref name="read"/>'s states at once) until one says offline, and returns
    /// when that read started; every read before says online. Fails after 20 s.
    /// </summary>
    public static async Task<DateTimeOffset> FirstOfflineReadAsync(DateTimeOffset since, Func<Task<string[]>> read)
    {
        while (true)
        {
            var readAt = DateTimeOffset.UtcNow;
            var states = await read();
            if (states.Contains("offline"))
            {
                return readAt;
            }

            Assert.All(states, state => Assert.Equal("online", state));
            Assert.True(DateTimeOffset.UtcNow - since < TimeSpan.FromSeconds(20), "never read offline");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The first read that said offline came a grace (1 s in these tests) after the stream closed
    /// (the server's last seen), less the time a read takes: not at once.
    /// </summary>
    public static void AfterTheGrace(DateTimeOffset firstOffline, DateTimeOffset lastSeenAt) =>
        Assert.True(firstOffline - lastSeenAt >= TimeSpan.FromSeconds(0.8), $"read offline {(firstOffline - lastSeenAt).TotalMilliseconds:F0} ms after the close");
}
