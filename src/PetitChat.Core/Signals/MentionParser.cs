using System.Text.RegularExpressions;
using PetitChat.Core.Users;

namespace PetitChat.Core.Signals;

/// <summary>
/// Finds <c>@username</c> of the chat's members in a message (and <c>@all</c> in a group, which
/// names every other member), the way the notification worker matches them: not inside a word or
/// an email address, case-insensitive.
/// </summary>
public static partial class MentionParser
{
    public const string All = "all";

    /// <summary>The mentioned members' ids, in order of first mention, without the sender.</summary>
    public static IReadOnlyList<Guid> Parse(string? text, Guid senderId, IReadOnlyList<User> members, bool isGroup)
    {
        if (string.IsNullOrEmpty(text) || !text.Contains('@', StringComparison.Ordinal))
        {
            return [];
        }

        var byName = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        foreach (var member in members)
        {
            byName.TryAdd(member.Username, member.Id);
        }

        var found = new List<Guid>();
        foreach (Match match in Candidate().Matches(text))
        {
            // A sentence may end right after a name: "thanks @bob." names bob.
            var name = match.Groups[1].Value.TrimEnd('.', '-');
            if (isGroup && name.Equals(All, StringComparison.OrdinalIgnoreCase) && !byName.ContainsKey(name))
            {
                found.AddRange(members.Select(m => m.Id));
            }
            else if (byName.TryGetValue(name, out var id))
            {
                found.Add(id);
            }
        }

        return [.. found.Where(id => id != senderId).Distinct()];
    }

    [GeneratedRegex(@"(?<![\w@.-])@([\w.-]+)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Candidate();
}
