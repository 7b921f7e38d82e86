using PetitChat.Infrastructure.Health;
using PetitChat.Infrastructure.Notifications;
using PetitChat.Infrastructure.Telemetry;
using PetitChat.Infrastructure.WebPush;

// `dotnet run --project src/PetitChat.Notifier -- vapid-keys` prints a fresh VAPID key pair for configuration.
if (args is ["vapid-keys"])
{
    var keys = VapidKeys.Generate();
    Console.WriteLine($"Notifications__WebPush__PublicKey={keys.PublicKey}");
    Console.WriteLine($"Notifications__WebPush__PrivateKey={keys.PrivateKey}");
    return;
}

// The content root is the program's folder, so its appsettings.json (Kind = nats) applies wherever it is started from.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (!string.Equals(builder.Configuration["Notifications:Kind"], "nats", StringComparison.OrdinalIgnoreCase))
{
    throw new InvalidOperationException("A separate Notifier shares the queue through NATS: set Notifications:Kind=nats (the in-process queue runs inside the server).");
}

// A small HTTP listener for /healthz, /readyz and /metrics only; ASPNETCORE_URLS or --urls moves it.
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://localhost:5090");
}

builder.AddPetitChatNotifier();
builder.AddPetitChatTelemetry("petitchat-notifier");
builder.AddPetitChatHealthChecks();

var app = builder.Build();
app.MapPetitChatHealthChecks();
app.MapPetitChatMetrics();
app.Run();
