namespace PetitChat.Core.Receipts;

/// <summary>Which pointers a receipt moved: reading a signal also means it was delivered.</summary>
public sealed record ReceiptMove(bool DeliveredMoved, bool ReadMoved)
{
    public bool Any => DeliveredMoved || ReadMoved;
}
