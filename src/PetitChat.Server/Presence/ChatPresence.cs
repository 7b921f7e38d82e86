using PetitChat.Core.Presence;
using PetitChat.Server.Chats;

namespace PetitChat.Server.Presence;

public static class ChatPresence
{
    /// <summary>The chats with each member's presence (the caller shares the chat, so may see it), read once per distinct member.</summary>
    public static async Task<IReadOnlyList<ChatDto>> WithPresenceAsync(IReadOnlyList<ChatDto> chats, PresenceService presence, CancellationToken ct)
    {
        var userIds = chats.SelectMany(c => c.Members).Select(m => m.Id).Distinct().ToList();
        var views = (await presence.ViewsAsync(userIds, ct)).ToDictionary(v => v.UserId, PresenceDto.From);
        return [.. chats.Select(c => c with { Members = [.. c.Members.Select(m => m with { Presence = views.GetValueOrDefault(m.Id) })] })];
    }
}
