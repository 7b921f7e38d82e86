using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Chats;
using PetitChat.Server.Errors;
using PetitChat.Server.Users;

namespace PetitChat.Server.Chats;

public static class ChatRenameApi
{
    /// <summary><c>PATCH /chats/{chatId}</c> <c>{ name }</c>: renames a group, with a <c>chat_renamed</c> signal.</summary>
    public static RouteGroupBuilder MapChatRename(this RouteGroupBuilder api)
    {
        api.MapPatch("/chats/{chatId:guid}", async Task<Results<Ok<ChatDto>, ProblemHttpResult>> (
            Guid chatId, RenameChatRequest request, Caller caller, ChatService service, CancellationToken ct) =>
        {
            var chat = await service.RenameAsync(caller.Id, chatId, request.Name, ct);
            return chat.Succeeded ? TypedResults.Ok(ChatDto.From(chat.Value)) : chat.Failure.ToProblem();
        });

        return api;
    }
}
