using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.InProcess;

public static class InProcessBusExtensions
{
    /// <summary>The embedded bus: one process, events kept in memory for the retention window.</summary>
    public static IHostApplicationBuilder AddInProcessEventBus(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InProcessBusOptions>()
            .BindConfiguration("Bus:InProcess")
            .Validate(o => o.Retention > TimeSpan.Zero && o.MaxEventsPerUser > 0 && o.SubscriberBuffer > 0 && o.MaxEventsTotal > 0 && o.IdleSweepInterval > TimeSpan.Zero,
                "Bus:InProcess needs a positive Retention, MaxEventsPerUser, MaxEventsTotal, IdleSweepInterval and SubscriberBuffer.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IEventBus, InProcessEventBus>();
        builder.Services.AddSingleton<IEventTicketStore, InProcessTicketStore>();
        return builder;
    }
}
