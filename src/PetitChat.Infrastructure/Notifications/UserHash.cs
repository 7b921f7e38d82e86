namespace PetitChat.Infrastructure.Notifications;

/// <summary>A user's place among partitions: stable across processes and versions, unlike string hash codes.</summary>
public static class UserHash
{
    public static uint Of(Guid userId)
    {
        Span<byte> bytes = stackalloc byte[16];
        userId.TryWriteBytes(bytes, bigEndian: true, out _);
        // FNV-1a over the 16 bytes: cheap and spreads UUIDv7's time-ordered prefix.
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
