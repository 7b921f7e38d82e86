using PetitChat.Core.Calls;

namespace PetitChat.Server.Calls;

/// <summary>The body of <c>POST /api/v1/chats/{chatId}/calls</c>.</summary>
public sealed record StartCallRequest(CallMedia? Media);
