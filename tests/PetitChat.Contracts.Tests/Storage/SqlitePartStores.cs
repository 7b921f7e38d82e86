using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>
/// How the SQLite subclasses of the part stores' contracts (calls, apps, notification settings,
/// devices, presence) build a store: on a SQLite file in a folder of the test's own, with the chat
/// schema on the same file as in the server. Disposing it disposes every store it built and deletes the folder.
/// </summary>
public sealed class SqlitePartStores : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _stores = [];

    /// <summary>Options for the file <paramref name="file"/> in the test's folder.</summary>
    public SqliteStoreOptions Options(string file) => new() { Path = Path.Combine(_folder, file) };

    /// <summary>
    /// The chat store, initialized on <paramref name="file"/> (a name used again reopens the same
    /// file), and the part store that <paramref name="create"/> builds over it; the caller initializes that one.
    /// </summary>
    public async Task<T> CreateAsync<T>(string file, Func<SqliteStoreOptions, T> create)
        where T : IDisposable
    {
        var options = Options(file);
        var chats = new SqliteChatStore(options);
        await chats.InitializeAsync(CancellationToken.None);
        var store = create(options);
        _stores.Add(chats);
        _stores.Add(store);
        return store;
    }

    /// <summary>A file name no other store of the test uses.</summary>
    public static string FreshFile() => $"{Guid.NewGuid():N}.db";

    public void Dispose()
    {
        _stores.ForEach(s => s.Dispose());
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
