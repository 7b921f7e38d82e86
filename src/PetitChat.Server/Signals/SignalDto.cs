using PetitChat.Core.Signals;

namespace PetitChat.Server.Signals;

public sealed record SignalDto(
    Guid Id,
    Guid ChatId,
    SignalKind Kind,
    Guid SenderId,
    string? Text,
    string? ClientId,
    DateTimeOffset CreatedAt,
    Guid? MemberId,
    string? CallUrl,
    IReadOnlyList<ReactionCountDto> Reactions,
    IReadOnlyList<object> Attachments)
{
    public static SignalDto From(SignalView view) => From(view.Signal, view.MyReactions);

    public static SignalDto From(Signal signal, IReadOnlySet<string>? mine = null)
    {
        var reactions = new ReactionCountDto[signal.Reactions.Count];
        for (var i = 0; i < reactions.Length; i++)
        {
            var count = signal.Reactions[i];
            reactions[i] = new ReactionCountDto(count.Emoji, count.Count, mine?.Contains(count.Emoji) == true);
        }

        return new SignalDto(signal.Id, signal.ChatId, signal.Kind, signal.SenderId, signal.Text, signal.ClientId,
            signal.CreatedAt, signal.MemberId, signal.CallUrl, reactions, []);
    }
}
