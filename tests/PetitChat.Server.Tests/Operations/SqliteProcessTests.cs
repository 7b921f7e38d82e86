using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Operations;

/// <summary>SQLite's settings for the whole server process (docs/decisions/0014, 2026-12-03).</summary>
public sealed class SqliteProcessTests(PetitChatServer server) : ApiTest(server)
{
    /// <summary>
    /// Every connection of the server opens through the store's helper, which turns SQLite's memory
    /// statistics off before the first one: with them on, each allocation inside SQLite took one
    /// process-wide mutex, on which the writer, the readers and the indexer queued. SQLite counts
    /// the memory it holds only while they are on, so a server that stored and read a message
    /// reports none.
    /// </summary>
    [Fact]
    public async Task The_server_s_SQLite_keeps_no_memory_statistics()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        await alice.SendAsync(chat, "stored without counting");
        Assert.Single((await bob.TimelineAsync(chat)).Items());

        Assert.Equal(0, SQLitePCL.raw.sqlite3_memory_used());
    }
}
