namespace PetitChat.Testing.Cluster;

/// <summary>
/// What a fault run counted. <see cref="Acknowledged"/> messages were answered 200/201 to their
/// sender; each of them must be in the store and reach every member's stream once and in the
/// order its sender sent it. <see cref="Recovered"/> counts (member, message) pairs that came
/// not on the stream but from the timeline after a <c>reset</c> event, as a client does.
/// </summary>
public sealed record FaultReport(
    int Attempts,
    int Acknowledged,
    int MissingFromStore,
    int Lost,
    int Duplicated,
    int OutOfOrder,
    int Resets,
    int Recovered,
    TimeSpan WorstResume,
    int Reconnects,
    IReadOnlyList<string> Log)
{
    /// <summary>The pushes to users without a stream, counted per (user, message).</summary>
    public PushCount? Pushes { get; init; }

    public bool Passed => Acknowledged > 0 && MissingFromStore == 0 && Lost == 0 && Duplicated == 0 && OutOfOrder == 0
        && WorstResume <= TimeSpan.FromSeconds(10) && Pushes is { Passed: true };

    public override string ToString() =>
        $"sent {Acknowledged} acknowledged ({Attempts} attempts), missing from store {MissingFromStore}, lost {Lost}, duplicated {Duplicated}, " +
        $"out of order {OutOfOrder}, resets {Resets} (recovered from the timeline {Recovered}), reconnects {Reconnects}, " +
        $"worst resume {WorstResume.TotalSeconds:0.00} s\n{Pushes}\n  " + string.Join("\n  ", Log);
}
