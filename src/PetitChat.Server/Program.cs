using PetitChat.Infrastructure;
using PetitChat.Server;
using PetitChat.Server.Identity;
using PetitChat.Server.Presence;
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
builder.AddPetitChatPresence();
builder.AddPetitChatWeb();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UsePetitChatWebFiles();
app.UseAuthentication();
app.UseAuthorization();

app.MapPetitChatIdentity();
app.MapPetitChatApi();
app.MapPetitChatWeb();

app.Run();

/// <summary>Entry point, public so that tests can host the server with WebApplicationFactory.</summary>
public partial class Program;
