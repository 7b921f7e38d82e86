using Microsoft.Extensions.Options;
using PetitChat.Core.Calls;

namespace PetitChat.Server.Calls;

public static class CallsExtensions
{
    /// <summary>Calls: options (<c>Calls</c>, <c>Calls:Jitsi</c>), the service, Jitsi's tokens and the ring timeout sweep.</summary>
    public static WebApplicationBuilder AddPetitChatCalls(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CallOptions>().BindConfiguration(CallOptions.Section)
            .Validate(o => o.RingTimeout > TimeSpan.Zero && o.SweepInterval > TimeSpan.Zero && o.SweepBatch > 0,
                "Calls needs a positive RingTimeout, SweepInterval and SweepBatch.")
            .ValidateOnStart();
        builder.Services.AddOptions<JitsiOptions>().BindConfiguration(JitsiOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Domain) && Uri.CheckHostName(o.Domain.Split('/')[0]) != UriHostNameType.Unknown,
                "Calls:Jitsi:Domain must be a host name (optionally with a port).")
            .Validate(o => o.TokenLifetime > TimeSpan.Zero && o.MaxRoomLength > 0, "Calls:Jitsi needs a positive TokenLifetime and MaxRoomLength.")
            .Validate(o => string.IsNullOrEmpty(o.AppSecret) || System.Text.Encoding.UTF8.GetByteCount(o.AppSecret) >= 32,
                "Calls:Jitsi:AppSecret must be at least 32 bytes (HS256 keys shorter than the hash are refused).")
            .Validate(o => string.IsNullOrEmpty(o.PrivateKey) || !string.IsNullOrWhiteSpace(o.KeyId),
                "Calls:Jitsi:PrivateKey needs Calls:Jitsi:KeyId (the kid of the RS256 key).")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<CallOptions>>().Value);
        builder.Services.AddSingleton<CallService>();
        builder.Services.AddSingleton<JitsiTokens>();
        builder.Services.AddHostedService<CallRingWorker>();
        return builder;
    }
}
