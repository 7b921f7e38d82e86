using PetitChat.Core.Calls;

namespace PetitChat.Server.Calls;

/// <summary>A call on the wire; <c>join</c> is set only in answers that let the caller in (start, join).</summary>
public sealed record CallDto(
    Guid Id,
    Guid ChatId,
    string Room,
    CallMedia Media,
    Guid StartedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<CallParticipantDto> Participants,
    JoinDto? Join)
{
    public static CallDto From(Call call, JoinDto? join = null) => new(call.Id, call.ChatId, call.Room, call.Media, call.StartedBy,
        call.StartedAt, call.EndedAt, [.. call.Participants.Select(p => new CallParticipantDto(p.UserId, p.JoinedAt, p.LeftAt))], join);
}

public sealed record CallParticipantDto(Guid UserId, DateTimeOffset JoinedAt, DateTimeOffset? LeftAt);

/// <summary>The <c>call</c> live event.</summary>
public sealed record CallEventDto(CallDto Call, CallAction Action, Guid UserId);

public sealed record StartCallRequest(CallMedia? Media);
