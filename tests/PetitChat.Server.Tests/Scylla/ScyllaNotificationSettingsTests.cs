using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.Scylla;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Scylla;

/// <summary>With <c>Store:Kind = scylla</c> the settings API writes to the cluster, where another node reads them.</summary>
[Collection(ScyllaServerCollection.Name)]
public sealed class ScyllaNotificationSettingsTests(ScyllaPetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task A_mute_set_through_the_api_is_seen_by_another_node_of_the_cluster()
    {
        Assert.IsType<ScyllaNotificationSettingsStore>(server.Services.GetRequiredService<INotificationSettingsStore>());
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chatId = (await alice.CreateDirectAsync(bob)).Id();

        await alice.Http.PutAsJsonAsync($"/api/v1/chats/{chatId}/settings", new { muted = true }).OkJsonAsync();

        using var otherNode = new ScyllaChatStore(new ScyllaStoreOptions
        {
            Endpoints = [$"http://127.0.0.1:{server.Dynalite.Port}"],
            TablePrefix = "http_",
        }, TimeProvider.System);
        var settings = new ScyllaNotificationSettingsStore(otherNode);
        Assert.True(await settings.IsMutedAsync(chatId, alice.Id, CancellationToken.None));
        Assert.False(await settings.IsMutedAsync(chatId, bob.Id, CancellationToken.None));
    }
}
