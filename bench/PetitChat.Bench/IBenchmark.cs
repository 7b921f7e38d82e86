namespace PetitChat.Bench;

/// <summary>
/// One benchmark: a class with a parameterless constructor, found by reflection, run with
/// <c>dotnet run -c Release --project bench/PetitChat.Bench -- NAME [options]</c>. It prints
/// its figures; nothing asserts on them (the machines are noisy).
/// </summary>
public interface IBenchmark
{
    /// <summary>The name given on the command line, such as <c>store</c> or <c>fanout</c>.</summary>
    string Name { get; }

    /// <summary>One line for the list shown without arguments.</summary>
    string Description { get; }

    Task RunAsync(string[] args, CancellationToken ct);
}
