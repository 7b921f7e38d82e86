using PetitChat.Core.Notifications;

namespace PetitChat.Core.Tests;

public sealed class RetryPolicyTests
{
    [Fact]
    public void A_retry_after_is_honoured_only_up_to_its_cap()
    {
        var policy = new RetryPolicy { FirstDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromMinutes(5), MaxRetryAfter = TimeSpan.FromSeconds(60) };

        Assert.Equal(TimeSpan.FromSeconds(60), policy.DelayAfter(1, TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromSeconds(30), policy.DelayAfter(1, TimeSpan.FromSeconds(30)));
        // Backoff beyond the cap is the policy's own, not the endpoint's word.
        Assert.Equal(TimeSpan.FromSeconds(128), policy.DelayAfter(8, TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromMinutes(5), policy.DelayAfter(20));
        Assert.Equal(TimeSpan.FromSeconds(2), (policy with { MaxDelay = TimeSpan.FromSeconds(2) }).DelayAfter(1, TimeSpan.FromSeconds(30)));
    }
}
