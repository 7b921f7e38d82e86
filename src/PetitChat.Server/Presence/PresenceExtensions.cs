using Microsoft.Extensions.Options;
using PetitChat.Core.Presence;
using PetitChat.Infrastructure.Presence;

namespace PetitChat.Server.Presence;

public static class PresenceExtensions
{
    /// <summary>Presence and status (<c>Presence</c> section), the node's sweep, and Microsoft 365 when configured.</summary>
    public static WebApplicationBuilder AddPetitChatPresence(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PresenceOptions>().BindConfiguration(PresenceOptions.Section)
            .Validate(o => o.IsValid, "Presence needs positive AwayAfter, SweepInterval, MaxQueryUsers, MaxStatusText, MaxStatusDuration, MaxPartnerChats and ExternalFreshFor, and OfflineGrace, Coalesce, PartnerCacheFor >= 0.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<PresenceOptions>>().Value);
        builder.AddPresenceStore();
        builder.Services.AddSingleton<PresenceService>();
        builder.Services.AddHostedService<PresenceSweeper>();
        builder.AddMicrosoft365Presence();
        return builder;
    }
}
