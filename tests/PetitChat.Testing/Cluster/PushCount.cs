namespace PetitChat.Testing.Cluster;

/// <summary>
/// What the users without a stream got by webhook in a fault run. Each (user, message) that should
/// notify must be covered by exactly one push: <see cref="Missing"/> counts those no push covered,
/// <see cref="Duplicated"/> every extra push that covered one again (<see cref="SameDelivery"/> of
/// them were the same job delivered twice, which a receiver can drop by its delivery id).
/// <see cref="Unlisted"/> counts pushes that covered more messages than they listed, which this
/// count could not check (the scenario's bursts stay under the list's limit).
/// </summary>
public sealed record PushCount(
    int Users,
    int Messages,
    int Pushes,
    int Folded,
    int Covered,
    int Missing,
    int Duplicated,
    int SameDelivery,
    int Unlisted,
    int BadSignatures)
{
    public bool Passed => Messages > 0 && Pushes > 0 && Missing == 0 && Duplicated == 0 && Unlisted == 0 && BadSignatures == 0;

    public override string ToString() =>
        $"pushes: {Users} users x {Messages} messages = {Users * Messages} (user, message) to cover; {Pushes} pushes received " +
        $"({Folded} folding several messages); covered {Covered}, missing {Missing}, duplicated {Duplicated} " +
        $"(same delivery id {SameDelivery}), unlisted {Unlisted}, bad signatures {BadSignatures}";

    /// <summary>Counts the pushes of one chat against the messages acknowledged in it.</summary>
    public static PushCount Of(IReadOnlyList<Guid> users, Guid chatId, IReadOnlyCollection<Guid> acknowledged, IEnumerable<WebhookReceiver.Push> received, int badSignatures)
    {
        var pushes = received.Where(p => p.ChatId == chatId).ToList();
        int covered = 0, missing = 0, duplicated = 0;
        foreach (var user in users)
        {
            var times = new Dictionary<Guid, int>();
            foreach (var id in pushes.Where(p => p.UserId == user).SelectMany(p => p.SignalIds))
            {
                times[id] = times.GetValueOrDefault(id) + 1;
            }

            foreach (var id in acknowledged)
            {
                var n = times.GetValueOrDefault(id);
                (covered, missing) = n > 0 ? (covered + 1, missing) : (covered, missing + 1);
            }

            duplicated += times.Values.Sum(n => n - 1);
        }

        var sameDelivery = pushes.GroupBy(p => (p.UserId, p.Delivery)).Sum(g => g.Count() - 1);
        return new PushCount(users.Count, acknowledged.Count, pushes.Count, pushes.Count(p => p.CoveredCount > 1), covered, missing, duplicated,
            sameDelivery, pushes.Count(p => p.CoveredCount != p.SignalIds.Count), badSignatures);
    }
}
