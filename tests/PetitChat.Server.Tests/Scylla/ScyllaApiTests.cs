using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Scylla;

// The users, chats, send/page, reaction, receipt and search flows once more, with Store:Kind = scylla
// (search: the Scylla store's jobs drained into the default FTS5 index).

[Collection(ScyllaServerCollection.Name)]
public sealed class ScyllaUsersApiTests(ScyllaPetitChatServer server) : UsersApiTests(server);

[Collection(ScyllaServerCollection.Name)]
public sealed class ScyllaChatsApiTests(ScyllaPetitChatServer server) : ChatsApiTests(server);

[Collection(ScyllaServerCollection.Name)]
public sealed class ScyllaSignalsApiTests(ScyllaPetitChatServer server) : SignalsApiTests(server);

[Collection(ScyllaServerCollection.Name)]
public sealed class ScyllaReactionsApiTests(ScyllaPetitChatServer server) : ReactionsApiTests(server);

[Collection(ScyllaServerCollection.Name)]
public sealed class ScyllaReceiptsApiTests(ScyllaPetitChatServer server) : ReceiptsApiTests(server);

[Collection(ScyllaServerCollection.Name)]
public sealed class ScyllaSearchApiTests(ScyllaPetitChatServer server) : SearchApiTests(server);
