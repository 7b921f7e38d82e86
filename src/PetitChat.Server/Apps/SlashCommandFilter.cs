using PetitChat.Core.Apps;
using PetitChat.Core.Calls;
using PetitChat.Core.Common;
using PetitChat.Core.Signals;
using PetitChat.Server.Calls;
using PetitChat.Server.Errors;
using PetitChat.Server.Signals;
using PetitChat.Server.Users;

namespace PetitChat.Server.Apps;

/// <summary>
/// On the send call: a message that is a slash command (<see cref="SlashCommand"/>) is not sent as
/// typed. The built-ins become the message they stand for (<c>/me waves</c>, <c>/shrug</c>); any
/// other command goes to the app in the chat that answers it (<see cref="AppCommands"/>), or is a
/// 400 naming <c>text</c> when none does.
/// </summary>
public sealed class SlashCommandFilter(AppCommands commands, CallService calls, JitsiTokens tokens) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        int? requestAt = null;
        Caller? caller = null;
        Guid? chatId = null;
        for (var i = 0; i < context.Arguments.Count; i++)
        {
            switch (context.Arguments[i])
            {
                case SendSignalRequest:
                    requestAt = i;
                    break;
                case Caller c:
                    caller = c;
                    break;
                case Guid id when chatId is null:
                    chatId = id;
                    break;
            }
        }

        if (requestAt is not { } at || context.Arguments[at] is not SendSignalRequest request || caller is null || chatId is null
            || (request.Kind ?? SignalKind.Message) != SignalKind.Message || SlashCommand.Parse(request.Text) is not { } command)
        {
            return await next(context);
        }

        if (command.Name == SlashCommand.Call)
        {
            return await StartCallAsync(caller, chatId.Value, command, context.HttpContext.RequestAborted);
        }

        if (SlashCommand.IsBuiltIn(command.Name))
        {
            if (command.BuiltInText(caller.User.DisplayName) is not { } text)
            {
                return new Invalid("text", $"/{command.Name} needs some text, as in /{command.Name} waves.").ToProblem();
            }

            context.Arguments[at] = request with { Text = text };
            return await next(context);
        }

        return await commands.RunAsync(caller.User, chatId.Value, command, context.HttpContext, context.HttpContext.RequestAborted);
    }

    /// <summary>
    /// <c>/call</c> (video) or <c>/call audio</c>: what the call button does, answered as a command
    /// for the caller's eyes, with the call and the caller's <c>join</c> to open the conference.
    /// </summary>
    private async Task<IResult> StartCallAsync(Caller caller, Guid chatId, SlashCommand command, CancellationToken ct)
    {
        CallMedia? media = command.Text.ToLowerInvariant() switch
        {
            "" or "video" => CallMedia.Video,
            "audio" => CallMedia.Audio,
            _ => null,
        };
        if (media is null)
        {
            return new Invalid("text", "/call takes nothing, \"audio\" or \"video\".").ToProblem();
        }

        var started = await calls.StartAsync(caller.Id, chatId, media, ct);
        if (!started.Succeeded)
        {
            return started.Failure.ToProblem();
        }

        var (call, created) = started.Value;
        var text = created ? $"You started a{(call.Media == CallMedia.Audio ? "n audio" : " video")} call." : "A call is already running here: you are joining it.";
        return TypedResults.Ok(new CommandResultDto(SlashCommand.Call, text, "me", null, Pending: false)
        {
            Call = CallDto.From(call, tokens.JoinFor(call, caller.User)),
        });
    }
}
