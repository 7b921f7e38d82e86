using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Paging;
using PetitChat.Core.Presence;
using PetitChat.Server.Errors;
using PetitChat.Server.Presence;
using PetitChat.Server.Users;

namespace PetitChat.Server.Chats;

public static class ChatsApi
{
    public static RouteGroupBuilder MapChats(this RouteGroupBuilder api)
    {
        var chats = api.MapGroup("/chats");

        chats.MapPost("/", async Task<Results<Created<ChatDto>, Ok<ChatDto>, ProblemHttpResult>> (
            CreateChatRequest request, Caller caller, ChatService service, CancellationToken ct) =>
        {
            var result = await service.CreateAsync(caller.Id, new NewChat(request.MemberIds ?? [], request.Name, request.Kind) { Encrypted = request.Encrypted ?? false }, ct);
            if (!result.Succeeded)
            {
                return result.Failure.ToProblem();
            }

            var (view, created) = result.Value;
            var dto = ChatDto.From(view);
            // A direct chat that already existed is returned as it is, like Slack's "open DM".
            return created ? TypedResults.Created($"/api/v1/chats/{dto.Id}", dto) : TypedResults.Ok(dto);
        });

        chats.MapGet("/", async Task<Results<Ok<Page<ChatDto>>, ProblemHttpResult>> (
            Caller caller, ChatService service, PresenceService presence, int? limit, string? cursor, CancellationToken ct) =>
        {
            var page = await service.ListAsync(caller.Id, limit, cursor, ct);
            return page.Succeeded
                ? TypedResults.Ok(new Page<ChatDto>(await ChatPresence.WithPresenceAsync([.. page.Value.Items.Select(ChatDto.From)], presence, ct), page.Value.NextCursor))
                : page.Failure.ToProblem();
        });

        chats.MapGet("/{chatId:guid}", async Task<Results<Ok<ChatDto>, ProblemHttpResult>> (
            Guid chatId, Caller caller, ChatService service, PresenceService presence, CancellationToken ct) =>
        {
            var chat = await service.GetAsync(caller.Id, chatId, ct);
            return chat.Succeeded
                ? TypedResults.Ok((await ChatPresence.WithPresenceAsync([ChatDto.From(chat.Value)], presence, ct))[0])
                : chat.Failure.ToProblem();
        });

        chats.MapPost("/{chatId:guid}/members", async Task<Results<Ok<ChatDto>, ProblemHttpResult>> (
            Guid chatId, AddMemberRequest request, Caller caller, ChatService service, CancellationToken ct) =>
        {
            if (request.UserId is not { } userId)
            {
                return new Invalid("userId", "userId is required.").ToProblem();
            }

            var chat = await service.AddMemberAsync(caller.Id, chatId, userId, ct);
            return chat.Succeeded ? TypedResults.Ok(ChatDto.From(chat.Value)) : chat.Failure.ToProblem();
        });

        chats.MapDelete("/{chatId:guid}/members/{userId:guid}", async Task<Results<NoContent, ProblemHttpResult>> (
            Guid chatId, Guid userId, Caller caller, ChatService service, CancellationToken ct) =>
        {
            var removed = await service.RemoveMemberAsync(caller.Id, caller.User.Roles, chatId, userId, ct);
            return removed.Succeeded ? TypedResults.NoContent() : removed.Failure.ToProblem();
        });

        return api;
    }
}
