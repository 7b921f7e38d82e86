using PetitChat.Core.Events;
using PetitChat.Infrastructure.InProcess;

namespace PetitChat.Contracts.Tests.Events;

public sealed class InProcessTicketStoreTests : EventTicketStoreContract
{
    protected override Task<(IEventTicketStore First, IEventTicketStore Second)> CreateStoresAsync()
    {
        var store = new InProcessTicketStore(TimeProvider.System);
        return Task.FromResult<(IEventTicketStore, IEventTicketStore)>((store, store));
    }
}
