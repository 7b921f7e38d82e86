using PetitChat.Gateway;

// The content root is the program's folder, so its appsettings.json (the routes) applies wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// ASPNETCORE_URLS, --urls or Urls decide where the gateway listens (https:// with a Kestrel
// certificate terminates TLS, see docs/deploy.md); without them, port 8080 on loopback.
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
{
    builder.WebHost.UseUrls("http://localhost:8080");
}

builder.AddPetitChatGateway();

var app = builder.Build();
app.MapPetitChatGateway();
app.Run();

