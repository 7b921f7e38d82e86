namespace PetitChat.Server.Events;

/// <summary>The stream of a caller who sent their bearer token, run by <see cref="EventStreams"/>.</summary>
public sealed class EventStreamResult(Guid userId, DateTimeOffset? closeAt, string? lastEventId) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext) =>
        httpContext.RequestServices.GetRequiredService<EventStreams>().RunAsync(httpContext, userId, closeAt, lastEventId);
}
