using Microsoft.Extensions.Logging.Abstractions;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.InProcess.Notifications;

namespace PetitChat.Contracts.Tests.Notifications;

public sealed class InProcessNotificationQueueTests : NotificationQueueContract
{
    protected override Task<INotificationQueue> CreateQueueAsync(RetryPolicy retry) =>
        Task.FromResult<INotificationQueue>(new InProcessNotificationQueue(retry, TimeProvider.System, NullLogger<InProcessNotificationQueue>.Instance));
}
