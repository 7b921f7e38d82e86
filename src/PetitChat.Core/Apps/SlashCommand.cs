using System.Text.RegularExpressions;

namespace PetitChat.Core.Apps;

/// <summary>
/// A message that starts with <c>/name</c> (letters, digits, <c>_</c>, <c>-</c>) followed by a
/// space or nothing is a command; anything else starting with a slash (<c>/home/me</c>, <c>//x</c>)
/// is plain text. Built-ins: <c>/me</c>, <c>/shrug</c> and <c>/call</c>.
/// </summary>
public sealed partial record SlashCommand(string Name, string Text)
{
    public const string Me = "me";
    public const string Shrug = "shrug";
    public const string ShrugFace = @"¯\_(ツ)_/¯";
    public const string Call = "call";

    public static readonly IReadOnlyList<AppCommand> BuiltIns =
    [
        new(Me, "Say what you are doing: /me waves"),
        new(Shrug, @"Append ¯\_(ツ)_/¯ to your message"),
        new(Call, "Start a call here, or join the one running: /call, /call audio"),
    ];

    public static bool IsBuiltIn(string name) => name is Me or Shrug or Call;

    public static SlashCommand? Parse(string? text)
    {
        if (text is null || text.Length < 2 || text[0] != '/')
        {
            return null;
        }

        var match = CommandPattern().Match(text);
        return match.Success ? new SlashCommand(match.Groups[1].Value.ToLowerInvariant(), match.Groups[2].Value.Trim()) : null;
    }

    /// <summary>A command name as apps register it.</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>The message a built-in sends in place of the command; <paramref name="displayName"/> is the sender's.</summary>
    public string? BuiltInText(string displayName) => Name switch
    {
        Me when Text.Length > 0 => $"_{displayName} {Text}_",
        Shrug => Text.Length > 0 ? $"{Text} {ShrugFace}" : ShrugFace,
        _ => null,
    };

    [GeneratedRegex(@"^/([A-Za-z0-9][A-Za-z0-9_-]{0,31})(?:\s+([\s\S]*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex CommandPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
