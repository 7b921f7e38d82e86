namespace PetitChat.Core.Notifications;

/// <summary>
/// "Delivery <see cref="Attempt"/> of job <see cref="JobId"/> is pushing the chat to the user, up to
/// <see cref="UpTo"/>, until <see cref="Until"/>": taken in the ledger before a push is sent, so that no
/// other job's push covers the same messages while this one's outcome is unknown. <see cref="Attempt"/>
/// 0 means handed back to the job after a retry: its next delivery, wherever it runs, takes it.
/// </summary>
public sealed record PushClaim(string JobId, int Attempt, Guid UpTo, DateTimeOffset Until)
{
    /// <summary>Whether delivery <paramref name="attempt"/> of <paramref name="jobId"/> may go on under this claim.</summary>
    public bool Lets(string jobId, int attempt) => JobId == jobId && (Attempt == attempt || Attempt == 0);
}
