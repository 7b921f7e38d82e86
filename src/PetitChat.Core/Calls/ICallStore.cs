namespace PetitChat.Core.Calls;

/// <summary>
/// Calls and their participants. Every write that changes a call bumps its
/// <see cref="Call.Version"/>; a call never runs again once ended. Concurrent writers on any
/// number of nodes agree through conditional writes: one running call per chat, one ender per call.
/// </summary>
public interface ICallStore
{
    /// <summary>
    /// Stores <paramref name="call"/> (running, with its starter as participant) unless its chat
    /// already has a running call: then returns that one with <c>Created = false</c> and stores
    /// nothing. Of concurrent starts in one chat exactly one creates.
    /// </summary>
    Task<(Call Call, bool Created)> StartAsync(Call call, CancellationToken ct);

    /// <summary>The call, running or ended, or null when there is none with this id.</summary>
    Task<Call?> GetAsync(Guid callId, CancellationToken ct);

    /// <summary>The call of this Jitsi room, or null when no call has it.</summary>
    Task<Call?> GetByRoomAsync(string room, CancellationToken ct);

    /// <summary>The chat's running call, or null.</summary>
    Task<Call?> GetRunningAsync(Guid chatId, CancellationToken ct);

    /// <summary>
    /// Puts the user in the running call (again: their first <see cref="CallParticipant.JoinedAt"/>
    /// is kept and <see cref="CallParticipant.LeftAt"/> cleared) and returns the call after it.
    /// Null when the call is unknown or has ended; then nothing changed.
    /// </summary>
    Task<Call?> JoinAsync(Guid callId, Guid userId, DateTimeOffset at, CancellationToken ct);

    /// <summary>
    /// Marks the user out of the running call and returns the call after it; a user who is not in
    /// it changes nothing (the call is returned as it is). Null when the call is unknown or has ended.
    /// </summary>
    Task<Call?> LeaveAsync(Guid callId, Guid userId, DateTimeOffset at, CancellationToken ct);

    /// <summary>
    /// Ends the running call at <paramref name="at"/> (every participant still in it leaves then)
    /// when its version is <paramref name="expectedVersion"/> (any version when null), and returns
    /// the ended call. Null when it was already ended, unknown, or changed since: of concurrent
    /// enders exactly one gets the call, so exactly one writes the <c>call_ended</c> signal.
    /// </summary>
    Task<Call?> EndAsync(Guid callId, DateTimeOffset at, long? expectedVersion, CancellationToken ct);

    /// <summary>
    /// Running calls that nobody but their starter has joined, started at or before
    /// <paramref name="startedBy"/>, oldest first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<Call>> GetUnansweredAsync(DateTimeOffset startedBy, int limit, CancellationToken ct);
}
