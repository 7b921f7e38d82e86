using PetitChat.Gateway;

var builder = WebApplication.CreateBuilder(args);

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

