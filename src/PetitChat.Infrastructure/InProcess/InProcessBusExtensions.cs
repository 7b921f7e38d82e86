using Microsoft.Extensions.Hosting;

namespace PetitChat.Infrastructure.InProcess;

public static class InProcessBusExtensions
{
    public static IHostApplicationBuilder AddInProcessEventBus(this IHostApplicationBuilder builder) => builder;
}
