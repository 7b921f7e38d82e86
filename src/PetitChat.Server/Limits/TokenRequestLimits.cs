using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace PetitChat.Server.Limits;

/// <summary>
/// Password guessing: the token endpoint and the login form count attempts per username (so one
/// account cannot be guessed from many addresses) and per client address (so one address cannot
/// try many accounts). The username is in the request body, which a rate-limiting policy cannot
/// read, hence limiters of their own, asked by the handlers.
/// </summary>
public sealed class TokenRequestLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perUsername;
    private readonly PartitionedRateLimiter<string> _perAddress;

    public TokenRequestLimits(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        _perUsername = PartitionedRateLimiter.Create<string, string>(username =>
            RateLimitPartition.GetFixedWindowLimiter(username, _ => Window(limits.TokensPerUsername)));
        _perAddress = PartitionedRateLimiter.Create<string, string>(address =>
            RateLimitPartition.GetFixedWindowLimiter(address, _ => Window(limits.TokensPerAddress)));
    }

    /// <summary>Null when the attempt may go on, else a 429 answer.</summary>
    public ProblemHttpResult? Check(HttpContext context, string? username)
    {
        using var address = _perAddress.AttemptAcquire(RateLimitPolicies.AddressOf(context));
        if (!address.IsAcquired)
        {
            return TooManyRequests.Result(context.Response, TooManyRequests.RetryAfterOf(address, TimeSpan.FromMinutes(1)), "sign-in attempts from this address");
        }

        using var user = _perUsername.AttemptAcquire((username ?? "").Trim().ToLowerInvariant());
        return user.IsAcquired
            ? null
            : TooManyRequests.Result(context.Response, TooManyRequests.RetryAfterOf(user, TimeSpan.FromMinutes(1)), "sign-in attempts for this username");
    }

    public void Dispose()
    {
        _perUsername.Dispose();
        _perAddress.Dispose();
    }

    internal static FixedWindowRateLimiterOptions Window(WindowLimit limit) => new()
    {
        PermitLimit = limit.PermitLimit,
        Window = limit.Window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
