namespace PetitChat.Server.Operations;

/// <summary>
/// Configuration section <c>ForwardedHeaders</c>: the proxies (the gateway) whose
/// <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c> the server believes. Anyone else's are
/// ignored, so a client cannot claim another address or scheme by sending the headers itself.
/// Empty lists keep ASP.NET Core's default: loopback only (127.0.0.0/8 and ::1); any entry
/// replaces that default, so only the listed gateways are believed.
/// </summary>
public sealed record ForwardedHeadersTrust
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of the gateways, e.g. <c>10.0.0.5</c>.</summary>
    public IReadOnlyList<string> KnownProxies { get; init; } = [];

    /// <summary>Networks the gateways run in, in CIDR form, e.g. <c>10.42.0.0/16</c> (a Kubernetes pod network).</summary>
    public IReadOnlyList<string> KnownNetworks { get; init; } = [];

    /// <summary>How many proxies in a row may add themselves (a load balancer in front of the gateway makes 2).</summary>
    public int ForwardLimit { get; init; } = 1;
}
