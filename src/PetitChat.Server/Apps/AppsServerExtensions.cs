using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using PetitChat.Core.Apps;
using PetitChat.Core.Events;

namespace PetitChat.Server.Apps;

public static class AppsServerExtensions
{
    /// <summary>The scheme that picks JWT bearer or bot tokens per request.</summary>
    public const string AuthenticationScheme = "PetitChat";

    /// <summary>
    /// Apps in the server: their services, bot tokens as a second authentication scheme next to
    /// JWT bearer (chosen per request by the token's <c>pcb_</c> prefix), and the event bus wrapped
    /// by <see cref="AppEventTap"/>. Call after the infrastructure and identity are added.
    /// </summary>
    public static WebApplicationBuilder AddPetitChatApps(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AppDirectory>();
        builder.Services.AddSingleton<BotUsers>();
        builder.Services.AddSingleton<AppService>();
        builder.Services.AddSingleton<IncomingWebhookService>();
        builder.Services.AddSingleton<IncomingWebhookLimiter>();
        builder.Services.AddSingleton<AppCommands>();
        builder.Services.AddSingleton<AppDeliveryRetention>();
        builder.Services.AddHostedService<AppDeliverySweeper>();

        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, BotTokenHandler>(BotTokenHandler.SchemeName, null)
            .AddPolicyScheme(AuthenticationScheme, "JWT bearer or bot token", options => options.ForwardDefaultSelector =
                context => BotTokenHandler.CarriesBotToken(context.Request) ? BotTokenHandler.SchemeName : JwtBearerDefaults.AuthenticationScheme);
        // Registered after AddAuthentication(JwtBearer) in the identity setup, so this default wins.
        builder.Services.Configure<AuthenticationOptions>(options =>
        {
            options.DefaultScheme = AuthenticationScheme;
            options.DefaultAuthenticateScheme = AuthenticationScheme;
            options.DefaultChallengeScheme = AuthenticationScheme;
        });

        var bus = builder.Services.LastOrDefault(d => d.ServiceType == typeof(IEventBus))
            ?? throw new InvalidOperationException("AddPetitChatApps needs the event bus: add the infrastructure first.");
        builder.Services.Remove(bus);
        builder.Services.AddSingleton<IEventBus>(sp => ActivatorUtilities.CreateInstance<AppEventTap>(sp, Resolve(bus, sp)));
        return builder;
    }

    private static IEventBus Resolve(ServiceDescriptor descriptor, IServiceProvider services) => (IEventBus)(
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
