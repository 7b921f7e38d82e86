namespace PetitChat.Infrastructure.Microsoft365;

/// <summary>Microsoft Graph or its token endpoint refused or failed a call; the sync logs it and tries again next round.</summary>
public sealed class Microsoft365UnavailableException(string message, Exception? inner = null) : Exception(message, inner);
