using Microsoft.Extensions.Options;
using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.Chats;
using PetitChat.Core.Events;
using PetitChat.Core.Presence;
using PetitChat.Infrastructure.InProcess;
using PetitChat.Infrastructure.InProcess.Notifications;

namespace PetitChat.Contracts.Tests.Presence;

/// <summary>
/// <see cref="PresenceService"/> on the embedded engines (in-process presence and bus, SQLite), with
/// no sweeper running: what a partner is told comes from the service's own announcements alone.
/// </summary>
public sealed class PresenceServiceTests : IDisposable
{
    private readonly SqlitePartStores _stores = new();

    [Fact]
    public async Task A_status_expiring_soon_is_announced_at_its_expiry_even_for_a_user_with_no_stream_and_no_sweep()
    {
        var (service, bus, alice, bob) = await StartAsync(new PresenceOptions { Coalesce = TimeSpan.FromMilliseconds(200) });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var seen = (await bus.SubscribeAsync(bob, null, cts.Token)).GetAsyncEnumerator(cts.Token);

        var set = await service.SetStatusAsync(alice, new StatusRequest("🍽️", "Lunch", DateTimeOffset.UtcNow.AddSeconds(1), Availability.Auto), cts.Token);
        Assert.True(set.Succeeded);

        var views = await PresencePartners.NextAsync(seen, alice, v => v.Status is null);
        Assert.Equal("Lunch", views[0].Status?.Text);
        Assert.Null(views[^1].Status);
        Assert.Equal(PresenceState.Offline, views[^1].State);
    }

    [Fact]
    public async Task Changes_within_the_coalescing_window_go_out_once_with_the_latest()
    {
        var (service, bus, alice, bob) = await StartAsync(new PresenceOptions { Coalesce = TimeSpan.FromSeconds(3) });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var seen = (await bus.SubscribeAsync(bob, null, cts.Token)).GetAsyncEnumerator(cts.Token);

        await using var stream = await service.ConnectAsync(alice, cts.Token);
        Assert.Equal(PresenceState.Online, Assert.Single(await PresencePartners.NextAsync(seen, alice, v => v.State == PresenceState.Online)).State);

        foreach (var text in new[] { "one", "two", "three", "four" })
        {
            Assert.True((await service.SetStatusAsync(alice, new StatusRequest(null, text, null, Availability.Busy), cts.Token)).Succeeded);
        }

        // Within the window after the connect's event: one event, at the window's end, with the last status.
        var coalesced = Assert.Single(await PresencePartners.NextAsync(seen, alice, v => v.Status?.Text == "four"));
        Assert.Equal(PresenceState.Busy, coalesced.State);
    }

    [Fact]
    public async Task Last_seen_outlives_a_restart_of_the_embedded_presence()
    {
        var (statuses, chats, alice, _) = await PresencePartners.CreateAsync(_stores);
        var bus = new InProcessEventBus(Options.Create(new InProcessBusOptions()), TimeProvider.System);
        var options = new PresenceOptions { OfflineGrace = TimeSpan.FromMilliseconds(200) };
        var before = new PresenceService(new InProcessPresence(), statuses, chats, new RosterCache(chats, new NoOtherNodes(), TimeProvider.System, RosterCacheOptions.Default), bus, options, TimeProvider.System);
        await (await before.ConnectAsync(alice, CancellationToken.None)).DisposeAsync();
        var seen = (await before.ViewsAsync([alice], CancellationToken.None))[0].LastSeenAt;
        // Stored once the user is offline, after the grace and off the stream's close.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while ((await statuses.GetAsync([alice], deadline.Token)).GetValueOrDefault(alice)?.LastSeenAt is null)
        {
            await Task.Delay(50, deadline.Token);
        }

        // A new process: its in-memory presence knows nobody.
        var after = new PresenceService(new InProcessPresence(), statuses, chats, new RosterCache(chats, new NoOtherNodes(), TimeProvider.System, RosterCacheOptions.Default), bus, options, TimeProvider.System);
        var view = (await after.ViewsAsync([alice], CancellationToken.None))[0];

        Assert.NotNull(seen);
        Assert.Equal((PresenceState.Offline, seen), (view.State, view.LastSeenAt));
    }

    public void Dispose() => _stores.Dispose();

    private async Task<(PresenceService Service, IEventBus Bus, Guid Alice, Guid Bob)> StartAsync(PresenceOptions options)
    {
        var (statuses, chats, alice, bob) = await PresencePartners.CreateAsync(_stores);
        var bus = new InProcessEventBus(Options.Create(new InProcessBusOptions()), TimeProvider.System);
        return (new PresenceService(new InProcessPresence(), statuses, chats, new RosterCache(chats, new NoOtherNodes(), TimeProvider.System, RosterCacheOptions.Default), bus, options, TimeProvider.System), bus, alice, bob);
    }
}
