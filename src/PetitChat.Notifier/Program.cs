using PetitChat.Infrastructure;
using PetitChat.Infrastructure.Notifications;
using PetitChat.Infrastructure.WebPush;

// `dotnet run --project src/PetitChat.Notifier -- vapid-keys` prints a fresh VAPID key pair for configuration.
if (args is ["vapid-keys"])
{
    var keys = VapidKeys.Generate();
    Console.WriteLine($"Notifications__WebPush__PublicKey={keys.PublicKey}");
    Console.WriteLine($"Notifications__WebPush__PrivateKey={keys.PrivateKey}");
    return;
}

var builder = Host.CreateApplicationBuilder(args);

builder.AddPetitChatInfrastructure();
builder.AddNotificationWorker();

var host = builder.Build();
host.Run();
