namespace PetitChat.Core.Notifications;

/// <summary>
/// What the ledger keeps per (user, chat) for pushes (docs/decisions/0020-push-delivered-once.md):
/// <see cref="Covered"/>, the newest message a delivered push covered, and the <see cref="Claim"/> of
/// the job sending one now, if any. The methods are the only changes workers make to it, each applied by
/// <see cref="IDeliveryLedger.ChangeMarkAsync"/> as one compare-and-set; a change that does not apply
/// returns the same mark, which writes nothing.
/// </summary>
public sealed record PushMark(Guid? Covered, PushClaim? Claim)
{
    public static readonly PushMark None = new(null, null);

    /// <summary>Takes <paramref name="claim"/> unless another job's (or another live delivery's) claim has not ended at <paramref name="now"/>.</summary>
    public PushMark Claimed(PushClaim claim, DateTimeOffset now) =>
        Claim is { } held && held.Until > now && !held.Lets(claim.JobId, claim.Attempt) ? this : this with { Claim = claim };

    /// <summary>A push up to <paramref name="upTo"/> was delivered: the mark moves forward (never back) and the job's claim goes.</summary>
    public PushMark Committed(Guid upTo, string jobId) =>
        new(Covered is { } covered && covered.CompareTo(upTo) >= 0 ? covered : upTo, Claim?.JobId == jobId ? null : Claim);

    /// <summary>The delivery will be retried: its claim passes to the job's next delivery, with the lease it had.</summary>
    public PushMark HandedBack(string jobId, int attempt) =>
        Claim is { } held && held.JobId == jobId && held.Attempt == attempt ? this with { Claim = held with { Attempt = 0 } } : this;

    /// <summary>The job sends nothing more (nothing to push, or given up on): its claim goes, the mark stays.</summary>
    public PushMark Released(string jobId) => Claim?.JobId == jobId ? this with { Claim = null } : this;
}
