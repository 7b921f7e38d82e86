using Microsoft.Extensions.DependencyInjection;
using PetitChat.Core.Notifications;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Notifications;

/// <summary>
/// The server on embedded defaults (the in-process queue and worker) with a short read delay,
/// fast retries, loopback allowed for the notification client, and a <see cref="PushEndpoint"/>
/// on 127.0.0.1 standing in for the browsers' push services and the users' webhooks.
/// </summary>
public sealed class NotifyingServer : PetitChatServer
{
    public static readonly TimeSpan ReadDelay = TimeSpan.FromSeconds(1.5);

    public PushEndpoint Push { get; private set; } = null!;

    /// <summary>Waits until the worker has settled the job of (signal, recipient): delivered, or decided against.</summary>
    public Task WaitUntilSettledAsync(Guid signalId, Guid userId) =>
        WaitUntilSettledAsync(NotificationJob.For(userId, Guid.Empty, signalId, default).Id);

    /// <summary>Waits until the "incoming call" job of a <c>call_started</c> signal for the user was handled.</summary>
    public Task WaitUntilCallSettledAsync(Guid signalId, Guid userId) =>
        WaitUntilSettledAsync(NotificationJob.ForCall(userId, Guid.Empty, signalId, default).Id);

    private async Task WaitUntilSettledAsync(string jobId)
    {
        var ledger = Services.GetRequiredService<IDeliveryLedger>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await ledger.ContainsAsync(jobId, deadline.Token))
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        Push = await PushEndpoint.StartAsync();
        settings["Notifications:ReadDelay"] = ReadDelay.ToString();
        settings["Notifications:Retry:FirstDelay"] = "00:00:00.100";
        settings["Notifications:Retry:MaxDelay"] = "00:00:00.500";
        settings["Notifications:Retry:MaxAttempts"] = "3";
        settings["Notifications:Outbound:AllowLoopback"] = "true";
        settings["Notifications:WebPush:KeyPath"] = Path.Combine(Folder, "vapid-keys.json");
        settings["Notifications:WebPush:Subject"] = "mailto:tests@petitchat.test";
    }

    protected override async Task DisposeEnginesAsync() => await Push.DisposeAsync();
}
