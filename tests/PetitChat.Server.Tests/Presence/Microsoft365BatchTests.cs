using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PetitChat.Core.Chats;
using PetitChat.Core.Presence;
using PetitChat.Infrastructure.InProcess;
using PetitChat.Infrastructure.InProcess.Notifications;
using PetitChat.Infrastructure.Microsoft365;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Server.Tests.Presence;

/// <summary>
/// One round of the Microsoft 365 sync with more linked users than one Graph call may carry,
/// against a <see cref="GraphStandIn"/> of its own (which refuses more than 650 ids, as Graph does:
/// https://learn.microsoft.com/en-us/graph/api/cloudcommunications-getpresencesbyuserid).
/// </summary>
public sealed class Microsoft365BatchTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("petitchat-m365-batch-").FullName;
    private GraphStandIn _graph = null!;

    public async Task InitializeAsync() => _graph = await GraphStandIn.StartAsync();

    [Fact]
    public async Task Graph_stand_in_651_linked_users_are_read_in_a_batch_of_650_and_one_of_1()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        var sqlite = new SqliteStoreOptions { Path = Path.Combine(_folder, "store.db") };
        using var chats = new SqliteChatStore(sqlite);
        await chats.InitializeAsync(ct);
        using var store = new SqlitePresenceStore(sqlite);
        await store.InitializeAsync(ct);
        var users = new List<Guid>();
        for (var i = 0; i < 651; i++)
        {
            var upn = $"user{i}@contoso.example";
            _graph.SetPresence(_graph.AddUser(upn), "Busy", "InAMeeting");
            users.Add(Guid.CreateVersion7());
            await store.SetLinkAsync(new Microsoft365Link(users[^1], upn, WriteBack: false), ct);
        }

        var options = new Microsoft365Options
        {
            TenantId = GraphStandIn.Tenant,
            ClientId = GraphStandIn.ClientId,
            ClientSecret = GraphStandIn.ClientSecret,
            AuthorityHost = _graph.Origin.AbsoluteUri,
            GraphBaseUrl = new Uri(_graph.Origin, "/v1.0").AbsoluteUri,
        };
        using var graph = new Microsoft365Graph(options, TimeProvider.System);
        var bus = new InProcessEventBus(Options.Create(new InProcessBusOptions()), TimeProvider.System);
        var presence = new PresenceService(new InProcessPresence(), store, chats, new RosterCache(chats, new NoOtherNodes(), TimeProvider.System, RosterCacheOptions.Default), bus, new PresenceOptions(), TimeProvider.System);
        var sync = new Microsoft365PresenceSync(graph, store, presence, options, TimeProvider.System, NullLogger<Microsoft365PresenceSync>.Instance);

        Assert.Equal(651, await sync.SyncOnceAsync(ct));

        Assert.Equal([650, 1], _graph.PresenceBatches);
        var stored = await store.GetAsync(users, ct);
        Assert.Equal(651, stored.Count);
        Assert.All(stored.Values, p => Assert.Equal(PresenceState.Busy, p.External?.State));
    }

    public async Task DisposeAsync()
    {
        await _graph.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
