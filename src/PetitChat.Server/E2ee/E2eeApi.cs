using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.E2ee;
using PetitChat.Core.Paging;
using PetitChat.Server.Errors;
using PetitChat.Server.Users;

namespace PetitChat.Server.E2ee;

/// <summary>Devices and to-device messages of end-to-end encrypted chats (docs/e2ee.md).</summary>
public static partial class E2eeApi
{
    public static RouteGroupBuilder MapE2ee(this RouteGroupBuilder api)
    {
        api.MapPut("/me/devices/{deviceId}", async Task<Results<Created<DeviceDto>, Ok<DeviceDto>, ProblemHttpResult>> (
            string deviceId, PutDeviceRequest request, Caller caller, DeviceService service, CancellationToken ct) =>
        {
            var put = await service.PutAsync(caller.Id, deviceId, request.Name, request.IdentityKey?.ToKey(), request.AgreementKey?.ToKey(),
                request.Signature, ct);
            if (!put.Succeeded)
            {
                return put.Failure.ToProblem();
            }

            var dto = DeviceDto.From(put.Value.Device);
            return put.Value.Created ? TypedResults.Created($"/api/v1/users/{caller.Id}/devices", dto) : TypedResults.Ok(dto);
        });

        api.MapGet("/users/{userId:guid}/devices", async Task<Results<Ok<DevicesDto>, ProblemHttpResult>> (
            Guid userId, DeviceService service, CancellationToken ct) =>
        {
            var list = await service.ListAsync(userId, ct);
            return list.Succeeded ? TypedResults.Ok(new DevicesDto([.. list.Value.Select(DeviceDto.From)])) : list.Failure.ToProblem();
        });

        api.MapDelete("/me/devices/{deviceId}", async Task<Results<NoContent, ProblemHttpResult>> (
            string deviceId, Caller caller, DeviceService service, CancellationToken ct) =>
            await service.DeleteAsync(caller.Id, deviceId, ct) is { } failure ? failure.ToProblem() : TypedResults.NoContent());

        api.MapPost("/devices/messages", async Task<Results<Created<DevicesSentDto>, ProblemHttpResult>> (
            SendDeviceMessagesRequest request, Caller caller, DeviceService service, ILoggerFactory loggers, CancellationToken ct) =>
        {
            var batch = request.Messages?.Select(m => new NewDeviceMessage(m.UserId, m.DeviceId ?? "", m.Type ?? "",
                m.Content.ValueKind == System.Text.Json.JsonValueKind.Object ? m.Content.GetRawText() : "")).ToList();
            if (batch?.Any(m => m.Content.Length == 0) == true)
            {
                return new PetitChat.Core.Common.Invalid("messages.content", "Each message's content is a JSON object.").ToProblem();
            }

            var sent = await service.SendAsync(caller.Id, request.SenderDeviceId, batch, ct);
            if (!sent.Succeeded)
            {
                return sent.Failure.ToProblem();
            }

            foreach (var trim in sent.Value.Trimmed)
            {
                LogTrimmed(loggers.CreateLogger(typeof(E2eeApi)), trim.UserId, trim.DeviceId, trim.Dropped);
            }

            return TypedResults.Created("/api/v1/devices/messages",
                new DevicesSentDto([.. sent.Value.Messages.Select(m => new SentDeviceMessageDto(m.Id, m.RecipientId, m.RecipientDeviceId))]));
        });

        api.MapGet("/me/devices/{deviceId}/messages", async Task<Results<Ok<Page<DeviceMessageDto>>, ProblemHttpResult>> (
            string deviceId, int? limit, string? cursor, Caller caller, DeviceService service, CancellationToken ct) =>
        {
            var page = await service.PendingAsync(caller.Id, deviceId, limit, cursor, ct);
            return page.Succeeded
                ? TypedResults.Ok(new Page<DeviceMessageDto>([.. page.Value.Items.Select(DeviceMessageDto.From)], page.Value.NextCursor))
                : page.Failure.ToProblem();
        });

        api.MapPost("/me/devices/{deviceId}/messages/ack", async Task<Results<NoContent, ProblemHttpResult>> (
            string deviceId, AcknowledgeRequest request, Caller caller, DeviceService service, CancellationToken ct) =>
            await service.AcknowledgeAsync(caller.Id, deviceId, request.Ids, ct) is { } failure ? failure.ToProblem() : TypedResults.NoContent())
            .WithMetadata(Presence.NotActivity.Instance); // the client acknowledges by itself: not its user's activity

        return api;
    }

    // Information, not a warning: an abandoned device is normal; its owner finds the oldest
    // messages unreadable if it ever comes back (docs/e2ee.md).
    [LoggerMessage(Level = LogLevel.Information,
        Message = "Device {DeviceId} of user {UserId} was at its cap of unacknowledged messages; its {Dropped} oldest were dropped")]
    private static partial void LogTrimmed(ILogger logger, Guid userId, string deviceId, int dropped);
}
