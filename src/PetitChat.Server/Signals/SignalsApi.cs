using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Common;
using PetitChat.Core.Signals;
using PetitChat.Server.Errors;
using PetitChat.Server.Users;

namespace PetitChat.Server.Signals;

public static class SignalsApi
{
    public static RouteGroupBuilder MapSignals(this RouteGroupBuilder api)
    {
        var signals = api.MapGroup("/chats/{chatId:guid}/signals");

        signals.MapPost("/", async Task<Results<Created<SignalDto>, Ok<SignalDto>, ProblemHttpResult>> (
            Guid chatId, SendSignalRequest request, Caller caller, SignalService service, CancellationToken ct) =>
        {
            if (request.AttachmentIds is { Count: > 0 })
            {
                return new Invalid("attachmentIds", "Attachments are not supported by this server yet.").ToProblem();
            }

            var sent = await service.SendAsync(caller.Id, chatId,
                new NewSignal(request.Kind ?? SignalKind.Message, request.Text, request.ClientId, request.CallUrl), ct);
            if (!sent.Succeeded)
            {
                return sent.Failure.ToProblem();
            }

            var (view, created) = sent.Value;
            var dto = SignalDto.From(view);
            return created ? TypedResults.Created($"/api/v1/chats/{chatId}/signals?around={dto.Id}", dto) : TypedResults.Ok(dto);
        });

        signals.MapGet("/", async Task<Results<Ok<TimelineDto>, ProblemHttpResult>> (
            Guid chatId, Guid? before, Guid? after, Guid? around, int? limit, Caller caller, SignalService service, CancellationToken ct) =>
        {
            var page = await service.PageAsync(caller.Id, chatId, before, after, around, limit, ct);
            return page.Succeeded
                ? TypedResults.Ok(new TimelineDto([.. page.Value.Items.Select(SignalDto.From)], page.Value.NextCursor, page.Value.NewerCursor))
                : page.Failure.ToProblem();
        });

        return api;
    }
}
