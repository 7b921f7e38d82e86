using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Calls;
using PetitChat.Core.Common;
using PetitChat.Server.Errors;
using PetitChat.Server.Users;

namespace PetitChat.Server.Calls;

/// <summary>Calls in chats (docs/calls.md): start one, join, leave, end it for everyone, decline the ring.</summary>
public static class CallsApi
{
    public static RouteGroupBuilder MapCalls(this RouteGroupBuilder api)
    {
        api.MapPost("/chats/{chatId:guid}/calls", async Task<Results<Created<CallDto>, Ok<CallDto>, ProblemHttpResult>> (
            Guid chatId, StartCallRequest request, Caller caller, CallService service, JitsiTokens tokens, CancellationToken ct) =>
        {
            var started = await service.StartAsync(caller.Id, chatId, request.Media, ct);
            if (!started.Succeeded)
            {
                return started.Failure.ToProblem();
            }

            var (call, created) = started.Value;
            var dto = CallDto.From(call, tokens.JoinFor(call, caller.User));
            // One call per chat: starting while one runs answers with that call, to join it.
            return created ? TypedResults.Created($"/api/v1/calls/{call.Id}", dto) : TypedResults.Ok(dto);
        });

        var calls = api.MapGroup("/calls/{callId:guid}");

        calls.MapGet("/", async Task<Results<Ok<CallDto>, ProblemHttpResult>> (
            Guid callId, Caller caller, CallService service, CancellationToken ct) =>
            Answer(await service.GetAsync(caller.Id, callId, ct)));

        calls.MapPost("/join", async Task<Results<Ok<CallDto>, ProblemHttpResult>> (
            Guid callId, Caller caller, CallService service, JitsiTokens tokens, CancellationToken ct) =>
        {
            var joined = await service.JoinAsync(caller.Id, callId, ct);
            return joined.Succeeded ? TypedResults.Ok(CallDto.From(joined.Value, tokens.JoinFor(joined.Value, caller.User))) : joined.Failure.ToProblem();
        });

        calls.MapPost("/leave", async Task<Results<Ok<CallDto>, ProblemHttpResult>> (
            Guid callId, Caller caller, CallService service, CancellationToken ct) =>
            Answer(await service.LeaveAsync(caller.Id, callId, ct)));

        calls.MapPost("/end", async Task<Results<Ok<CallDto>, ProblemHttpResult>> (
            Guid callId, Caller caller, CallService service, CancellationToken ct) =>
            Answer(await service.EndAsync(caller.Id, caller.User.Roles, callId, ct)));

        calls.MapPost("/decline", async Task<Results<Ok<CallDto>, ProblemHttpResult>> (
            Guid callId, Caller caller, CallService service, CancellationToken ct) =>
            Answer(await service.DeclineAsync(caller.Id, callId, ct)));

        return api;
    }

    private static Results<Ok<CallDto>, ProblemHttpResult> Answer(Result<Call> result) =>
        result.Succeeded ? TypedResults.Ok(CallDto.From(result.Value)) : result.Failure.ToProblem();
}
