using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using PetitChat.Core.Chats;
using PetitChat.Infrastructure.Nats;

namespace PetitChat.Contracts.Tests.Events;

/// <summary>Membership notices between two "nodes" (a connection each) on a real nats-server.</summary>
public sealed class NatsRosterChangesTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>, IAsyncLifetime
{
    private readonly List<NatsConnection> _connections = [];
    private readonly NatsBusOptions _options = new() { Url = nats.Server.Url, SubjectPrefix = $"t{Guid.NewGuid():N}" };

    [Fact]
    public async Task A_change_reaches_the_other_node_with_the_users_it_names_or_with_none()
    {
        var (sender, receiver) = (Create(), Create());
        var heard = Channel.CreateUnbounded<RosterChange>();
        await using var listening = await receiver.ListenAsync(c => heard.Writer.TryWrite(c), () => { }, CancellationToken.None);
        var (chatId, users) = (Guid.NewGuid(), new[] { Guid.NewGuid(), Guid.NewGuid() });

        await sender.PublishAsync(new RosterChange(chatId, users), CancellationToken.None);
        await sender.PublishAsync(new RosterChange(chatId, null), CancellationToken.None);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var named = await heard.Reader.ReadAsync(timeout.Token);
        Assert.Equal(chatId, named.ChatId);
        Assert.Equal(users, named.Users);
        Assert.Equal(new RosterChange(chatId, null), await heard.Reader.ReadAsync(timeout.Token));
    }

    [Fact]
    public async Task A_bare_chat_id_as_earlier_nodes_send_it_names_nobody()
    {
        var receiver = Create();
        var heard = Channel.CreateUnbounded<RosterChange>();
        await using var listening = await receiver.ListenAsync(c => heard.Writer.TryWrite(c), () => { }, CancellationToken.None);
        var chatId = Guid.NewGuid();

        await _connections[0].PublishAsync(_options.SubjectPrefix + ".roster", chatId.ToByteArray());

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(new RosterChange(chatId, null), await heard.Reader.ReadAsync(timeout.Token));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    private NatsRosterChanges Create()
    {
        var connection = new NatsConnection(NatsBusExtensions.ConnectionOptions(_options));
        _connections.Add(connection);
        return new NatsRosterChanges(connection, Options.Create(_options), NullLogger<NatsRosterChanges>.Instance);
    }
}
