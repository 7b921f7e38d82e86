using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Scylla;

/// <summary>Edit, delete, reply, mentions, typing and rename once more with Store:Kind = scylla (dynalite).</summary>
[Collection(ScyllaServerCollection.Name)]
public sealed class ScyllaConversationsApiTests(ScyllaPetitChatServer server) : ConversationsApiTests(server);
