using Microsoft.Extensions.Options;
using PetitChat.Infrastructure;
using PetitChat.Server;
using PetitChat.Server.Apps;
using PetitChat.Server.Calls;
using PetitChat.Server.Events;
using PetitChat.Server.Identity;
using PetitChat.Server.Limits;
using PetitChat.Server.OpenApi;
using PetitChat.Server.Operations;
using PetitChat.Server.Presence;
using PetitChat.Server.Search;
using PetitChat.Server.Web;

var builder = WebApplication.CreateBuilder(args);

// ASPNETCORE_URLS, --urls or Urls decide where the server listens; without them, the README's port.
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://localhost:5080");
}

// A refused configuration (the production guard, an invalid option) ends the process with its
// reason on one line and exit code 1, not an unhandled exception's abort and stack trace.
try
{
    builder.AddPetitChatInfrastructure();
    builder.AddPetitChatCore();
    builder.AddPetitChatIdentity();
    builder.AddPetitChatApi();
    builder.AddPetitChatCalls();
    builder.AddPetitChatPresence();
    builder.AddPetitChatWeb();
    builder.AddPetitChatLimits();
    builder.AddPetitChatOpenApi();
    builder.AddPetitChatOperations();
    builder.AddPetitChatApps();

    var app = builder.Build();

    // A command (`search reindex`) runs and exits instead of serving.
    if (await app.TryRunSearchCommandAsync(args))
    {
        return Environment.ExitCode;
    }

    app.UsePetitChatOperations();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseTicketStreams();
    app.UseSecurityHeaders();
    app.UsePetitChatWebFiles();
    app.UsePetitChatAuthentication();
    app.UsePetitChatLimits();
    app.UseAuthorization();

    app.MapPetitChatIdentity();
    app.MapPetitChatApi();
    app.MapPetitChatOpenApi();
    app.MapJitsiEvents();
    app.MapAppHooks();
    app.MapPetitChatWeb();
    app.MapPetitChatOperations();

    app.Run();
}
catch (Exception refused) when (refused is StartupRefusedException or OptionsValidationException)
{
    await Console.Error.WriteLineAsync($"Petit chat did not start: {refused.Message}");
    return 1;
}

return Environment.ExitCode;

/// <summary>Entry point, public so that tests can host the server with WebApplicationFactory.</summary>
public partial class Program;
