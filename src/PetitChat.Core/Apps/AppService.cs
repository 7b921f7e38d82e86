using PetitChat.Core.Common;
using PetitChat.Core.Notifications;
using PetitChat.Core.Users;

namespace PetitChat.Core.Apps;

/// <summary>
/// Apps as administrators manage them: register (with a bot user and a bot token shown once),
/// list, rotate or revoke the token, delete; and their deliveries: list, retry a failed one.
/// Every call takes the caller and answers 403 to anyone but an <c>admin</c>.
/// </summary>
public sealed class AppService(
    IAppStore apps,
    IAppDeliveryStore deliveries,
    INotificationQueue queue,
    AppDirectory directory,
    BotUsers bots,
    AppOptions options,
    Ids ids,
    TimeProvider time)
{
    private static readonly Forbidden AdminsOnly = new("Only an administrator manages apps.");
    private static readonly NotFound NoSuchApp = new("No such app.");

    /// <summary>Registers an app; the url must already have passed the outbound client's check.</summary>
    public async Task<Result<(App App, string BotToken)>> RegisterAsync(User caller, AppRegistration request, CancellationToken ct)
    {
        if (!IsAdmin(caller))
        {
            return AdminsOnly;
        }

        if (Check(request) is { } invalid)
        {
            return invalid;
        }

        if ((await apps.ListAppsAsync(options.MaxApps, ct)).Count >= options.MaxApps)
        {
            return new Conflict($"At most {options.MaxApps} apps may be registered (Apps:MaxApps).");
        }

        var id = ids.Next();
        var bot = await bots.CreateAsync("app", id, request.Name!.Trim(), ct);
        var token = AppTokens.NewBotToken(id);
        var app = new App(id, request.Name.Trim(), request.Url!, bot.Id, [.. request.Events!.Distinct()],
            [.. (request.Commands ?? []).Select(c => c with { Name = c.Name.ToLowerInvariant(), Description = c.Description ?? "" })],
            AppTokens.Hash(token), AppTokens.NewSecret(), caller.Id, time.GetUtcNow());
        await apps.SaveAppAsync(app, ct);
        directory.Invalidate();
        return (app, token);
    }

    public async Task<Result<IReadOnlyList<App>>> ListAsync(User caller, CancellationToken ct) =>
        IsAdmin(caller) ? Result.Ok(await apps.ListAppsAsync(options.MaxApps, ct)) : AdminsOnly;

    public async Task<Result<App>> GetAsync(User caller, Guid appId, CancellationToken ct) =>
        !IsAdmin(caller) ? AdminsOnly : await apps.GetAppAsync(appId, ct) is { } app ? app : NoSuchApp;

    /// <summary>A new bot token; the old one stops working at once.</summary>
    public async Task<Result<(App App, string BotToken)>> RotateTokenAsync(User caller, Guid appId, CancellationToken ct)
    {
        var found = await GetAsync(caller, appId, ct);
        if (!found.Succeeded)
        {
            return found.Failure;
        }

        var token = AppTokens.NewBotToken(appId);
        var app = found.Value with { TokenHash = AppTokens.Hash(token) };
        await apps.SaveAppAsync(app, ct);
        return (app, token);
    }

    /// <summary>No token works for the app until the next rotation; its events and commands go on.</summary>
    public async Task<Result<App>> RevokeTokenAsync(User caller, Guid appId, CancellationToken ct)
    {
        var found = await GetAsync(caller, appId, ct);
        if (!found.Succeeded)
        {
            return found.Failure;
        }

        var app = found.Value with { TokenHash = "" };
        await apps.SaveAppAsync(app, ct);
        return app;
    }

    public async Task<Result<bool>> DeleteAsync(User caller, Guid appId, CancellationToken ct)
    {
        if (!IsAdmin(caller))
        {
            return AdminsOnly;
        }

        if (!await apps.DeleteAppAsync(appId, ct))
        {
            return NoSuchApp;
        }

        // Nobody can list or retry them any more, and no sweep would find them.
        await AppDeliveryRetention.RemoveAllAsync(deliveries, appId, ct);

        directory.Invalidate();
        return true;
    }

    public async Task<Result<IReadOnlyList<AppDelivery>>> ListDeliveriesAsync(
        User caller, Guid appId, AppDeliveryStatus? status, Guid? before, int? limit, CancellationToken ct)
    {
        var found = await GetAsync(caller, appId, ct);
        if (!found.Succeeded)
        {
            return found.Failure;
        }

        if (limit is < 1 or > 100)
        {
            return new Invalid("limit", "limit must be between 1 and 100.");
        }

        return Result.Ok(await deliveries.ListDeliveriesAsync(appId, status, before, limit ?? 50, ct));
    }

    /// <summary>Queues a failed delivery again (a new round, so the queue does not take it for a duplicate); 409 unless it failed.</summary>
    public async Task<Result<AppDelivery>> RetryDeliveryAsync(User caller, Guid appId, Guid deliveryId, CancellationToken ct)
    {
        var found = await GetAsync(caller, appId, ct);
        if (!found.Succeeded)
        {
            return found.Failure;
        }

        if (await deliveries.GetDeliveryAsync(appId, deliveryId, ct) is not { } delivery)
        {
            return new NotFound("No such delivery.");
        }

        if (delivery.Status != AppDeliveryStatus.Failed)
        {
            return new Conflict($"Only a failed delivery is retried; this one is {delivery.Status.ToString().ToLowerInvariant()}.");
        }

        var now = time.GetUtcNow();
        var again = delivery with { Status = AppDeliveryStatus.Pending, Round = delivery.Round + 1, Attempts = 0, UpdatedAt = now };
        await deliveries.SaveDeliveryAsync(again, ct);
        await queue.EnqueueAsync([AppDeliveries.JobFor(found.Value, again, now)], ct);
        return again;
    }

    private Invalid? Check(AppRegistration request)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > options.MaxNameLength)
        {
            return new Invalid("name", $"name is required, at most {options.MaxNameLength} characters.");
        }

        if (string.IsNullOrWhiteSpace(request.Url) || request.Url.Length > options.MaxUrlLength
            || !Uri.TryCreate(request.Url, UriKind.Absolute, out var url)
            || !(url.Scheme == Uri.UriSchemeHttps || (options.AllowHttp && url.Scheme == Uri.UriSchemeHttp)))
        {
            return new Invalid("url", options.AllowHttp
                ? $"url must be an absolute http(s) URL of at most {options.MaxUrlLength} characters."
                : $"url must be an absolute https URL of at most {options.MaxUrlLength} characters (Apps:AllowHttp allows http).");
        }

        if (request.Events is null)
        {
            return new Invalid("events", "events is required (it may be empty).");
        }

        foreach (var e in request.Events)
        {
            if (e is null || !AppEventNames.Known.Contains(e))
            {
                return new Invalid("events", $"'{e}' is not an event; use {string.Join(", ", AppEventNames.Known.Order(StringComparer.Ordinal))}.");
            }
        }

        var commands = request.Commands ?? [];
        if (commands.Count > options.MaxCommandsPerApp)
        {
            return new Invalid("commands", $"An app has at most {options.MaxCommandsPerApp} commands.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var command in commands)
        {
            var name = command?.Name?.ToLowerInvariant();
            if (name is null || !SlashCommand.IsValidName(name) || SlashCommand.IsBuiltIn(name))
            {
                return new Invalid("commands", $"'{command?.Name}' is not a command name: 1 to 32 letters, digits, '_' or '-', and not a built-in (/me, /shrug, /call).");
            }

            if (!names.Add(name))
            {
                return new Invalid("commands", $"/{name} is listed twice.");
            }

            if (command!.Description is { Length: > 200 })
            {
                return new Invalid("commands", "A command's description is at most 200 characters.");
            }
        }

        return null;
    }

    private static bool IsAdmin(User caller) => caller.Roles.Contains(Roles.Admin);
}
