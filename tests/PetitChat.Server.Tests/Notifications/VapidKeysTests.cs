using PetitChat.Infrastructure.WebPush;

namespace PetitChat.Server.Tests.Notifications;

public sealed class VapidKeysTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("petitchat-vapid-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Processes_starting_together_all_read_the_one_pair_that_was_written_first()
    {
        // The local cluster starts three servers and two notifiers at once on one key file; a notifier
        // once read the file while a server still held it and died at start.
        var options = new WebPushOptions { KeyPath = Path.Combine(_directory, "keys", "vapid-keys.json") };
        using var start = new Barrier(16);

        var resolved = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return VapidKeys.Resolve(options, _directory);
        })));

        Assert.Single(resolved.Distinct());
        Assert.Equal(resolved[0], VapidKeys.Resolve(options, _directory));
        Assert.Equal(["vapid-keys.json"], Directory.GetFiles(Path.Combine(_directory, "keys")).Select(Path.GetFileName));
    }
}
