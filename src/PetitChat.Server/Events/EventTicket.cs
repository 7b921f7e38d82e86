namespace PetitChat.Server.Events;

public sealed record EventTicket(string Ticket, DateTimeOffset ExpiresAt);
