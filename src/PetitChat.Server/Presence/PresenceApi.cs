using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Common;
using PetitChat.Core.Presence;
using PetitChat.Infrastructure.Microsoft365;
using PetitChat.Server.Errors;
using PetitChat.Server.Users;
using Conflict = PetitChat.Core.Common.Conflict;

namespace PetitChat.Server.Presence;

public static class PresenceApi
{
    public static RouteGroupBuilder MapPresence(this RouteGroupBuilder api)
    {
        api.MapPut("/me/status", async Task<Results<Ok<PresenceDto>, ProblemHttpResult>> (
            StatusRequestDto request, Caller caller, PresenceService presence, Microsoft365StatusWriter writer, CancellationToken ct) =>
        {
            var result = await presence.SetStatusAsync(caller.Id, new StatusRequest(request.Emoji, request.Text, request.ExpiresAt,
                request.Availability ?? Availability.Auto), ct);
            if (!result.Succeeded)
            {
                return result.Failure.ToProblem();
            }

            writer.StatusChanged(caller.Id, result.Value.Status);
            return TypedResults.Ok(PresenceDto.From(result.Value));
        });

        api.MapDelete("/me/status", async (Caller caller, PresenceService presence, Microsoft365StatusWriter writer, CancellationToken ct) =>
        {
            var view = await presence.ClearStatusAsync(caller.Id, ct);
            writer.StatusChanged(caller.Id, null);
            return TypedResults.Ok(PresenceDto.From(view));
        });

        api.MapPost("/me/activity", async (Caller caller, PresenceService presence, CancellationToken ct) =>
        {
            await presence.TouchAsync(caller.Id, ct);
            return TypedResults.NoContent();
        });

        api.MapGet("/users/{userId:guid}/presence", async Task<Results<Ok<PresenceDto>, ProblemHttpResult>> (
            Guid userId, Caller caller, PresenceService presence, CancellationToken ct) =>
        {
            var view = await presence.GetAsync(caller.Id, userId, ct);
            return view.Succeeded ? TypedResults.Ok(PresenceDto.From(view.Value)) : view.Failure.ToProblem();
        });

        api.MapPost("/presence/query", async Task<Results<Ok<PresenceListDto>, ProblemHttpResult>> (
            PresenceQueryRequest request, Caller caller, PresenceService presence, CancellationToken ct) =>
        {
            if (request.UserIds is not { } userIds)
            {
                return new Invalid("userIds", "userIds is required.").ToProblem();
            }

            var views = await presence.QueryAsync(caller.Id, [.. userIds], ct);
            return views.Succeeded
                ? TypedResults.Ok(new PresenceListDto([.. views.Value.Select(PresenceDto.From)]))
                : views.Failure.ToProblem();
        }).WithMetadata(NotActivity.Instance);

        api.MapGet("/me/microsoft365", async (Caller caller, IPresenceStore store, CancellationToken ct) =>
            TypedResults.Ok(Microsoft365LinkDto.From(await store.GetLinkAsync(caller.Id, ct))));

        // Linked by the email/UPN from the caller's token: a user can link only themselves.
        api.MapPut("/me/microsoft365", async Task<Results<Ok<Microsoft365LinkDto>, ProblemHttpResult>> (
            Microsoft365LinkRequest request, Caller caller, IPresenceStore store, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(caller.User.Email))
            {
                return new Conflict("Your token carries no email, so there is no Microsoft 365 account to link.").ToProblem();
            }

            var link = new Microsoft365Link(caller.Id, caller.User.Email, request.WriteBack ?? false);
            await store.SetLinkAsync(link, ct);
            return TypedResults.Ok(Microsoft365LinkDto.From(link));
        });

        api.MapDelete("/me/microsoft365", async (Caller caller, IPresenceStore store, CancellationToken ct) =>
        {
            await store.RemoveLinkAsync(caller.Id, ct);
            await store.SetExternalAsync(caller.Id, null, ct);
            return TypedResults.NoContent();
        });

        return api;
    }
}
