using Microsoft.Extensions.Hosting;
using PetitChat.Infrastructure.Apps;

namespace PetitChat.Infrastructure.Notifications;

public static class NotifierExtensions
{
    /// <summary>
    /// What a Notifier worker uses, and only that: the chat store (members, unread messages), the
    /// notification settings, queue, ledger, presence and channels, and the worker loop. No blob
    /// store, image library, search index or event bus, and none of their start-up work.
    /// </summary>
    public static IHostApplicationBuilder AddPetitChatNotifier(this IHostApplicationBuilder builder)
    {
        builder.AddPetitChatStore();
        builder.AddNotifications();
        builder.AddApps();
        builder.AddNotificationWorker();
        return builder;
    }
}
