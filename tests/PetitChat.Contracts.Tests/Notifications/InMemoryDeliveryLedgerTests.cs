using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.InProcess.Notifications;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>The ledger contract on the embedded ledger: its one worker's two views are the same instance.</summary>
public sealed class InMemoryDeliveryLedgerTests : DeliveryLedgerContract, IDisposable
{
    private readonly InMemoryDeliveryLedger _ledger = new();

    protected override Task<(IDeliveryLedger First, IDeliveryLedger Second)> CreateLedgersAsync() =>
        Task.FromResult<(IDeliveryLedger, IDeliveryLedger)>((_ledger, _ledger));

    public void Dispose() => _ledger.Dispose();
}
