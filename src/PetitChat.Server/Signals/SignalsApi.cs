using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Files;
using PetitChat.Core.Signals;
using PetitChat.Server.Errors;
using PetitChat.Server.Limits;
using PetitChat.Server.Users;

namespace PetitChat.Server.Signals;

public static class SignalsApi
{
    public static RouteGroupBuilder MapSignals(this RouteGroupBuilder api)
    {
        var signals = api.MapGroup("/chats/{chatId:guid}/signals");

        signals.MapPost("/", async Task<Results<Created<SignalDto>, Ok<SignalDto>, ProblemHttpResult>> (
            Guid chatId, SendSignalRequest request, Caller caller, SignalService service, FileService files, CancellationToken ct) =>
        {
            var sent = await service.SendAsync(caller.Id, chatId,
                new NewSignal(request.Kind ?? SignalKind.Message, request.Text, request.ClientId, request.CallUrl)
                {
                    AttachmentIds = request.AttachmentIds ?? [],
                    Encrypted = request.Encrypted,
                    ReplyToId = request.ReplyToId,
                    ThreadId = request.ThreadId,
                }, ct);
            if (!sent.Succeeded)
            {
                return sent.Failure.ToProblem();
            }

            var (view, created) = sent.Value;
            var dto = (await WithAttachmentsAsync([view], caller, files, ct))[0];
            return created ? TypedResults.Created($"/api/v1/chats/{chatId}/signals?around={dto.Id}", dto) : TypedResults.Ok(dto);
        }).RequireRateLimiting(RateLimitPolicies.Sends).AddEndpointFilter<Apps.SlashCommandFilter>();

        signals.MapGet("/", async Task<Results<Ok<TimelineDto>, ProblemHttpResult>> (
            Guid chatId, Guid? before, Guid? after, Guid? around, int? limit, Caller caller, SignalService service, FileService files,
            CancellationToken ct) =>
        {
            var page = await service.PageAsync(caller.Id, chatId, before, after, around, limit, ct);
            return page.Succeeded
                ? TypedResults.Ok(new TimelineDto(await WithAttachmentsAsync(page.Value.Items, caller, files, ct), page.Value.NextCursor,
                    page.Value.NewerCursor))
                : page.Failure.ToProblem();
        });

        return api;
    }

    /// <summary>The signals with their attachments' metadata, and the URLs the caller's image settings pick.</summary>
    internal static async Task<List<SignalDto>> WithAttachmentsAsync(IReadOnlyList<SignalView> views, Caller caller, FileService files, CancellationToken ct)
    {
        var ids = views.SelectMany(v => v.Signal.AttachmentIds).ToList();
        if (ids.Count == 0)
        {
            return [.. views.Select(SignalDto.From)];
        }

        var found = await files.DescribeAsync(ids, ct);
        var settings = await files.GetSettingsAsync(caller.Id, ct);
        return [.. views.Select(v => SignalDto.From(v.Signal, v.MyReactions, found, settings))];
    }
}
