namespace PetitChat.Core.Receipts;

public enum ReceiptState
{
    Delivered,
    Read,
}
