using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Scylla;

/// <summary>Threads once more with Store:Kind = scylla (dynalite).</summary>
[Collection(ScyllaServerCollection.Name)]
public sealed class ScyllaThreadsApiTests(ScyllaPetitChatServer server) : ThreadsApiTests(server);
