using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.Storage;
using PetitChat.Core.Users;
using PetitChat.Infrastructure;
using PetitChat.Infrastructure.Scylla;
using PetitChat.Testing;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>What only the Scylla adapter has: its endpoints, its tables, its registration.</summary>
public sealed class ScyllaStoreSetupTests(DynaliteFixture dynalite) : IClassFixture<DynaliteFixture>
{
    private static CancellationToken Ct => CancellationToken.None;

    private readonly string _prefix = "s" + Guid.NewGuid().ToString("N")[..12] + "_";

    [Fact]
    public async Task A_refused_endpoint_is_skipped_for_a_while_and_requests_go_to_the_live_one()
    {
        var closed = $"http://127.0.0.1:{LoopbackPort.Free()}";
        using var store = new ScyllaChatStore(new ScyllaStoreOptions
        {
            Endpoints = [closed, dynalite.Url],
            TablePrefix = _prefix,
            DeadEndpointPause = TimeSpan.FromMinutes(5),
        }, TimeProvider.System);
        // Creating the tables sends requests in parallel: each one in flight may meet the closed port.
        await store.InitializeAsync(Ct);
        var failedAtStart = store.Client.Endpoints[0].Failures;

        for (var i = 0; i < 20; i++)
        {
            var user = await store.UpsertUserAsync(new UserClaims($"sub-{i}", $"user{i}", "User", []), Guid.CreateVersion7(), DateTimeOffset.UtcNow, Ct);
            Assert.Equal(user.Id, (await store.GetUserAsync(user.Id, Ct))?.Id);
        }

        // Round-robin would have sent half of these 60 calls to the closed port: it was skipped.
        // At start, at most one request per table was in flight when the port was found closed.
        Assert.InRange(failedAtStart, 1, new ScyllaTables(_prefix).All().Count());
        Assert.Equal([(closed, failedAtStart), (dynalite.Url, 0)], store.Client.Endpoints);
    }

    [Fact]
    public async Task A_store_without_a_live_endpoint_throws_StoreUnavailableException()
    {
        using var store = new ScyllaChatStore(new ScyllaStoreOptions
        {
            Endpoints = [$"http://127.0.0.1:{LoopbackPort.Free()}", $"http://127.0.0.1:{LoopbackPort.Free()}"],
            TablePrefix = _prefix,
            MaxAttempts = 3,
            RetryBackoff = TimeSpan.FromMilliseconds(1),
        }, TimeProvider.System);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetUserAsync(Guid.CreateVersion7(), Ct));
    }

    [Fact]
    public async Task Initializing_again_or_from_a_second_node_keeps_tables_and_data()
    {
        var options = new ScyllaStoreOptions { Endpoints = [dynalite.Url], TablePrefix = _prefix };
        using var first = new ScyllaChatStore(options, TimeProvider.System);
        using var second = new ScyllaChatStore(options, TimeProvider.System);
        await Task.WhenAll(first.InitializeAsync(Ct), second.InitializeAsync(Ct));
        var user = await first.UpsertUserAsync(new UserClaims("sub", "alice", "Alice", []), Guid.CreateVersion7(), DateTimeOffset.UtcNow, Ct);

        await first.InitializeAsync(Ct);
        await second.InitializeAsync(Ct);

        Assert.Equal("alice", (await second.GetUserAsync(user.Id, Ct))?.Username);
    }

    [Fact]
    public async Task Store_Kind_scylla_registers_the_adapter_and_creates_its_tables_at_start()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Path.GetTempPath() });
        builder.Configuration["Store:Kind"] = "scylla";
        builder.Configuration["Store:Scylla:Endpoints:0"] = dynalite.Url;
        builder.Configuration["Store:Scylla:TablePrefix"] = _prefix;
        builder.AddPetitChatInfrastructure();
        using var host = builder.Build();

        await host.StartAsync();
        var store = host.Services.GetRequiredService<IChatStore>();
        var user = await store.UpsertUserAsync(new UserClaims("sub", "bob", "Bob", []), Guid.CreateVersion7(), DateTimeOffset.UtcNow, Ct);
        await host.StopAsync();

        Assert.IsType<ScyllaChatStore>(store);
        Assert.Equal("bob", user.Username);
    }

    [Fact]
    public async Task Store_Kind_scylla_refuses_to_start_without_endpoints()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Path.GetTempPath() });
        builder.Configuration["Store:Kind"] = "scylla";
        builder.AddPetitChatInfrastructure();
        using var host = builder.Build();

        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }
}
