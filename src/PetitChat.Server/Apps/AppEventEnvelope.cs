namespace PetitChat.Server.Apps;

/// <summary>The JSON posted to an app for an event or a command: <see cref="Id"/> is the delivery id, the same on every retry.</summary>
public sealed record AppEventEnvelope(string Type, Guid Id, DateTimeOffset OccurredAt, Guid AppId, Guid ChatId, object Payload);
