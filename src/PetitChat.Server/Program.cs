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
    return;
}

app.UsePetitChatOperations();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseTicketStreams();
app.UseSecurityHeaders();
app.UsePetitChatWebFiles();
app.UseAuthentication();
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

/// <summary>Entry point, public so that tests can host the server with WebApplicationFactory.</summary>
public partial class Program;
