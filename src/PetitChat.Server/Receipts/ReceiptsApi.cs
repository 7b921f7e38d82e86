using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Common;
using PetitChat.Core.Receipts;
using PetitChat.Server.Errors;
using PetitChat.Server.Users;

namespace PetitChat.Server.Receipts;

public static class ReceiptsApi
{
    public static RouteGroupBuilder MapReceipts(this RouteGroupBuilder api)
    {
        api.MapPost("/chats/{chatId:guid}/receipts", async Task<Results<Ok<ReceiptMoveDto>, ProblemHttpResult>> (
            Guid chatId, ReceiptRequest request, Caller caller, ReceiptService service, CancellationToken ct) =>
        {
            if (request.SignalId is not { } signalId)
            {
                return new Invalid("signalId", "signalId is required.").ToProblem();
            }

            if (request.State is not { } state)
            {
                return new Invalid("state", "state is required: delivered or read.").ToProblem();
            }

            var moved = await service.MoveAsync(caller.Id, chatId, signalId, state, ct);
            return moved.Succeeded
                ? TypedResults.Ok(new ReceiptMoveDto(moved.Value.DeliveredMoved, moved.Value.ReadMoved))
                : moved.Failure.ToProblem();
        });

        api.MapGet("/chats/{chatId:guid}/signals/{signalId:guid}/receipts", async Task<Results<Ok<SignalReceiptsDto>, ProblemHttpResult>> (
            Guid chatId, Guid signalId, Caller caller, ReceiptService service, CancellationToken ct) =>
        {
            var receipts = await service.GetAsync(caller.Id, chatId, signalId, ct);
            return receipts.Succeeded
                ? TypedResults.Ok(new SignalReceiptsDto(receipts.Value.DeliveredTo, receipts.Value.ReadBy))
                : receipts.Failure.ToProblem();
        });

        return api;
    }
}
