namespace PetitChat.Server.Limits;

/// <summary>At most <see cref="PermitLimit"/> requests in each <see cref="Window"/> (a fixed window).</summary>
public sealed class WindowLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    public static WindowLimit PerMinute(int permits) => new() { PermitLimit = permits };
}
