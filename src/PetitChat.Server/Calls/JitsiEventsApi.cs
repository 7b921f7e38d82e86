using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PetitChat.Core.Calls;
using PetitChat.Core.Common;
using PetitChat.Server.Errors;

namespace PetitChat.Server.Calls;

/// <summary>
/// Where Jitsi's event-sync component reports what really happens in the conferences, so that
/// participants and the end of a call follow the conference. Authenticated by the shared secret
/// (<c>Calls:Jitsi:EventsSecret</c>, sent as a bearer token), checked in constant time and before
/// anything else: without it every request gets the same 401, whatever the room.
/// </summary>
public static class JitsiEventsApi
{
    public static WebApplication MapJitsiEvents(this WebApplication app)
    {
        app.MapPost("/api/v1/integrations/jitsi/events/{subject}/{action}", async Task<Results<NoContent, ProblemHttpResult>> (
            string subject, string action, HttpContext context, IOptions<JitsiOptions> options, CallService service, CancellationToken ct) =>
        {
            if (!Authorized(context.Request.Headers.Authorization.ToString(), options.Value.EventsSecret))
            {
                return TypedResults.Problem("A valid Calls:Jitsi:EventsSecret is required as a bearer token.",
                    statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.");
            }

            // Read here, after the secret, rather than bound: binding would answer before the check.
            if (await ReadAsync(context.Request, ct) is not { } payload)
            {
                return new Invalid("body", "The body must be an event-sync payload: a JSON object (Content-Type: application/json).").ToProblem();
            }

            var room = payload.RoomName;
            if (string.IsNullOrWhiteSpace(room) || room.Length > options.Value.MaxRoomLength)
            {
                return new Invalid("room_name", $"room_name is required, at most {options.Value.MaxRoomLength} characters.").ToProblem();
            }

            Result<Call> result;
            switch (subject, action)
            {
                case ("room", "created"):
                    result = await service.RoomCreatedAsync(room, ct);
                    break;
                case ("room", "destroyed") when payload.IsBreakout is true:
                    // A breakout room went away; room_name is still the main room, whose call goes on.
                    result = await service.RoomCreatedAsync(room, ct);
                    break;
                case ("room", "destroyed"):
                    result = await service.RoomDestroyedAsync(room, ct);
                    break;
                case ("occupant", "joined" or "left"):
                    // Guests without a token (allow_empty_token) have no id: they are not members.
                    if (!Guid.TryParse(payload.Occupant?.Id, out var userId))
                    {
                        return new Invalid("occupant.id", "occupant.id must be the id of a member, as in the token's context.user.id.").ToProblem();
                    }

                    result = action == "joined"
                        ? await service.OccupantJoinedAsync(room, userId, ct)
                        : await service.OccupantLeftAsync(room, userId, ct);
                    break;
                default:
                    return TypedResults.Problem("Events are room/created|destroyed and occupant/joined|left.",
                        statusCode: StatusCodes.Status404NotFound, title: "Not found.");
            }

            return result.Succeeded ? TypedResults.NoContent() : result.Failure.ToProblem();
        }).AllowAnonymous();
        return app;
    }

    /// <summary>The event, or null when the body is not a JSON object of that shape.</summary>
    private static async Task<JitsiEvent?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return null;
        }

        try
        {
            return await request.ReadFromJsonAsync<JitsiEvent>(ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The bearer token equals the secret; both hashed first so the comparison takes the same time whatever their lengths.</summary>
    private static bool Authorized(string header, string? secret)
    {
        const string Bearer = "Bearer ";
        if (string.IsNullOrEmpty(secret) || !header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[Bearer.Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
