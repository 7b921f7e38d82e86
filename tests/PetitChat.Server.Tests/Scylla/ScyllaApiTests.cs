using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Scylla;

// The users, chats, send/page, reaction and receipt flows once more, with Store:Kind = scylla.

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
