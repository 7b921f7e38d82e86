using System.Globalization;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>
/// A <see cref="PushMark"/> as the ledger bucket stores it: the covered message's id (32 hex digits,
/// what the key held before claims, so an unclaimed mark reads the same to every version), then, while a
/// job claims the chat, <c>|{jobId}|{attempt}|{upTo}|{until, Unix ms}</c>. Job ids hold no <c>|</c>.
/// </summary>
internal static class PushMarkText
{
    public static string Format(PushMark mark)
    {
        var covered = mark.Covered is { } id ? id.ToString("N") : "";
        return mark.Claim is not { } claim
            ? covered
            : string.Create(CultureInfo.InvariantCulture,
                $"{covered}|{claim.JobId}|{claim.Attempt}|{claim.UpTo:N}|{claim.Until.ToUnixTimeMilliseconds()}");
    }

    /// <summary>The mark in <paramref name="text"/>; what cannot be read counts as no mark (as before claims).</summary>
    public static PushMark Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return PushMark.None;
        }

        var parts = text.Split('|');
        Guid? covered = Guid.TryParseExact(parts[0], "N", out var id) ? id : null;
        if (parts.Length == 5
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var attempt)
            && Guid.TryParseExact(parts[3], "N", out var upTo)
            && long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var until))
        {
            return new PushMark(covered, new PushClaim(parts[1], attempt, upTo, DateTimeOffset.FromUnixTimeMilliseconds(until)));
        }

        return new PushMark(covered, null);
    }
}
