namespace PetitChat.Contracts.Tests.Storage;

/// <summary>Tests that count store statements on the process-wide meter run with no other test beside them.</summary>
[CollectionDefinition(nameof(SqliteStatementCount), DisableParallelization = true)]
public sealed class SqliteStatementCount;
