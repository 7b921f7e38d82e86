using PetitChat.Core.Presence;
using PetitChat.Server.Users;

namespace PetitChat.Server.Presence;

/// <summary>
/// Any successful write call (a send, a receipt, a reaction, a typing call...) counts as activity,
/// so the user is not <c>away</c>; reads do not count (a client polls without its user), nor do
/// non-GET calls marked <see cref="NotActivity"/> (a presence query).
/// </summary>
public sealed class ActivityFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
            && http.GetEndpoint()?.Metadata.GetMetadata<NotActivity>() is null
            && http.User.Identity?.IsAuthenticated == true && StatusOf(result) < 400
            && (BoundCaller(context) ?? await Caller.BindAsync(http)) is { } caller)
        {
            try
            {
                await http.RequestServices.GetRequiredService<PresenceService>().TouchAsync(caller.Id, http.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Activity is a hint; the call itself succeeded.
            }
        }

        return result;
    }

    /// <summary>
    /// The caller the handler was given, when it takes one (a send does): binding it again would
    /// read the token's claims again.
    /// </summary>
    private static Caller? BoundCaller(EndpointFilterInvocationContext context)
    {
        for (var i = 0; i < context.Arguments.Count; i++)
        {
            if (context.Arguments[i] is Caller caller)
            {
                return caller;
            }
        }

        return null;
    }

    /// <summary>The status code the handler's result will write (the response has not started yet).</summary>
    private static int StatusOf(object? result) => result switch
    {
        INestedHttpResult nested => StatusOf(nested.Result),
        IStatusCodeHttpResult { StatusCode: { } status } => status,
        _ => StatusCodes.Status200OK,
    };
}
