using PetitChat.Core.Events;

namespace PetitChat.Core.Apps;

/// <summary>An app's answer to <see cref="UserId"/>'s slash command, for their eyes only, that came later through the response url.</summary>
public sealed record CommandAnswered(Guid ChatId, Guid UserId, string Command, string Text) : ChatEvent(ChatId);
