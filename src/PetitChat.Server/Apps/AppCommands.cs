using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PetitChat.Core.Apps;
using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Events;
using PetitChat.Core.Notifications;
using PetitChat.Core.Signals;
using PetitChat.Core.Storage;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.Apps;
using PetitChat.Server.Errors;
using NotFound = PetitChat.Core.Common.NotFound;

namespace PetitChat.Server.Apps;

/// <summary>
/// Slash commands answered by apps: finds the app in the chat that offers the command, posts it
/// the command (signed, through the outbound client) and waits <see cref="AppOptions.CommandTimeout"/>
/// for <c>{ text, visibility }</c>. <c>chat</c> answers are posted by the app's bot; <c>me</c>
/// answers go back to the caller only. Later answers come through the response url.
/// </summary>
public sealed class AppCommands(
    IChatStore store,
    AppDirectory directory,
    AppHttp http,
    SignalService signals,
    ChatFanout fanout,
    AppOptions options,
    ChatLimits limits,
    Ids ids,
    TimeProvider time,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    /// <summary>The commands offered in a chat: the built-ins, then those of the apps whose bots are members.</summary>
    public async Task<Result<IReadOnlyList<CommandDto>>> ListAsync(Guid callerId, Guid chatId, CancellationToken ct)
    {
        if (await store.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return new NotFound("No such chat.");
        }

        var list = new List<CommandDto>(SlashCommand.BuiltIns.Select(c => new CommandDto(c.Name, c.Description, null)));
        foreach (var app in await AppsInAsync(chatId, ct))
        {
            list.AddRange(app.Commands.Select(c => new CommandDto(c.Name, c.Description, app.Name)));
        }

        return list;
    }

    public async Task<IResult> RunAsync(User caller, Guid chatId, SlashCommand command, HttpContext context, CancellationToken ct)
    {
        if (await store.GetMemberAsync(chatId, caller.Id, ct) is null)
        {
            return new NotFound("No such chat.").ToProblem();
        }

        var app = (await AppsInAsync(chatId, ct)).FirstOrDefault(a => a.Commands.Any(c => c.Name == command.Name));
        if (app is null)
        {
            return new Invalid("text", $"/{command.Name} is not a command in this chat: no app here answers it (send //{command.Name} to post it as text).").ToProblem();
        }

        var now = time.GetUtcNow();
        var id = ids.Next();
        var target = new ResponseUrls.Target(chatId, caller.Id, command.Name);
        var expiresAt = now + options.ResponseUrlLifetime;
        var responseUrl = $"{context.Request.Scheme}://{context.Request.Host}/hooks/apps/{app.Id}/responses/{ResponseUrls.TokenFor(app, target, expiresAt)}";
        var payload = new CommandPayload(command.Name, command.Text, caller.Id, caller.Username, caller.DisplayName, chatId, responseUrl, expiresAt);
        var body = JsonSerializer.SerializeToUtf8Bytes(new AppEventEnvelope("command", id, now, app.Id, chatId, payload), json.Value.SerializerOptions);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.CommandTimeout);
        AppAnswer answer;
        try
        {
            answer = await http.PostAsync(app, id.ToString(), body, deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return TypedResults.Accepted((string?)null, new CommandResultDto(command.Name,
                $"{app.Name} did not answer /{command.Name} within {options.CommandTimeout.TotalSeconds:0.#} s; its answer may still come.", "me", null, Pending: true));
        }

        if (answer.Status != DeliveryStatus.Delivered)
        {
            return TypedResults.Problem($"{app.Name} could not answer /{command.Name}: {answer.Reason}.", statusCode: StatusCodes.Status502BadGateway,
                title: "The app failed.");
        }

        var reply = ParseAnswer(answer.Body);
        if (reply is null || string.IsNullOrWhiteSpace(reply.Text))
        {
            return TypedResults.Accepted((string?)null, new CommandResultDto(command.Name, null, "me", null, Pending: true));
        }

        return await AnswerAsync(app, target, reply, tellCaller: false, ct) is { Succeeded: true } done
            ? TypedResults.Ok(done.Value)
            : TypedResults.Problem($"{app.Name} answered /{command.Name} with something that cannot be shown.", statusCode: StatusCodes.Status502BadGateway,
                title: "The app failed.");
    }

    /// <summary>
    /// Shows an app's answer: posted by its bot (<c>chat</c>) or for the caller alone (<c>me</c>, the
    /// default), on their live stream when <paramref name="tellCaller"/> (a later answer; an answer in
    /// time is in the command's own response).
    /// </summary>
    public async Task<Result<CommandResultDto>> AnswerAsync(App app, ResponseUrls.Target target, CommandAnswerRequest reply, bool tellCaller, CancellationToken ct)
    {
        var text = reply.Text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > limits.MaxTextLength)
        {
            return new Invalid("text", $"text is required, at most {limits.MaxTextLength} characters.");
        }

        switch (reply.Visibility ?? "me")
        {
            case "chat":
                var sent = await signals.SendAsync(app.BotUserId, target.ChatId, new NewSignal(SignalKind.Message, text, ids.Next().ToString(), null), ct);
                return sent.Succeeded
                    ? new CommandResultDto(target.Command, text, "chat", sent.Value.Signal.Signal.Id, Pending: false)
                    : sent.Failure;
            case "me":
                if (tellCaller)
                {
                    await fanout.PublishToAsync(new CommandAnswered(target.ChatId, target.UserId, target.Command, text), [target.UserId]);
                }

                return new CommandResultDto(target.Command, text, "me", null, Pending: false);
            default:
                return new Invalid("visibility", "visibility is \"me\" or \"chat\".");
        }
    }

    private async Task<List<App>> AppsInAsync(Guid chatId, CancellationToken ct)
    {
        var apps = (await directory.GetAsync(ct)).ByBotUser;
        var found = new List<App>();
        if (apps.Count == 0)
        {
            return found;
        }

        foreach (var member in await store.GetMembersAsync(chatId, ct))
        {
            if (apps.TryGetValue(member.UserId, out var app))
            {
                found.Add(app);
            }
        }

        return found;
    }

    private CommandAnswerRequest? ParseAnswer(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CommandAnswerRequest>(Encoding.UTF8.GetBytes(body), json.Value.SerializerOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record CommandPayload(string Command, string Text, Guid UserId, string Username, string DisplayName, Guid ChatId,
        string ResponseUrl, DateTimeOffset ResponseUrlExpiresAt);
}
