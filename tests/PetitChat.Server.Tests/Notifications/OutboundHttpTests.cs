using System.Net;
using Microsoft.Extensions.Options;
using PetitChat.Infrastructure.Notifications;

namespace PetitChat.Server.Tests.Notifications;

/// <summary>
/// The notification HTTP client's SSRF guard with its default policy (no loopback, no private
/// networks), against a real listener on 127.0.0.1 that must never be reached.
/// </summary>
[Collection(NotifyingCollection.Name)]
public sealed class OutboundHttpTests(NotifyingServer server)
{
    [Theory]
    [InlineData("http://127.0.0.1:{0}/hook/ssrf")]
    [InlineData("http://localhost:{0}/hook/ssrf")]
    [InlineData("http://[::ffff:127.0.0.1]:{0}/hook/ssrf")]
    public async Task By_default_loopback_is_refused_even_behind_a_host_name(string template)
    {
        using var outbound = new OutboundHttp(Options.Create(new OutboundHttpOptions()));
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, server.Push.Origin.Port);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => outbound.Client.PostAsync(new Uri(url), new StringContent("{}")));

        Assert.IsType<OutboundAddressRefusedException>(error.InnerException);
        Assert.Empty(server.Push.For("ssrf"));
    }

    [Theory]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("10.1.2.3", "a private address")]
    [InlineData("172.20.0.1", "a private address")]
    [InlineData("169.254.169.254", "a link-local address")]
    [InlineData("100.64.0.1", "a shared (carrier-grade NAT) address")]
    [InlineData("fe80::1", "a link-local address")]
    [InlineData("fc00::1", "a private (unique local) address")]
    [InlineData("::1", "a loopback address")]
    [InlineData("64:ff9b::7f00:1", "a loopback address")]
    [InlineData("64:ff9b::a9fe:a9fe", "a link-local address")]
    [InlineData("2002:a01:203::1", "a private address")]
    [InlineData("2002:7f00:1::", "a loopback address")]
    [InlineData("198.18.0.1", "a benchmarking address")]
    [InlineData("198.19.255.254", "a benchmarking address")]
    [InlineData("240.0.0.1", "a multicast or reserved address")]
    public void Private_loopback_and_link_local_addresses_are_refused(string address, string why)
    {
        using var outbound = new OutboundHttp(Options.Create(new OutboundHttpOptions()));

        Assert.Equal(why, outbound.Refusal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("172.32.0.1")]
    [InlineData("198.20.0.1")]
    [InlineData("64:ff9b::5db8:d70e")]
    [InlineData("2606:4700::1111")]
    public void Public_addresses_are_allowed(string address)
    {
        using var outbound = new OutboundHttp(Options.Create(new OutboundHttpOptions()));

        Assert.Null(outbound.Refusal(IPAddress.Parse(address)));
    }

    [Fact]
    public async Task A_proxy_from_the_environment_is_not_used_so_the_check_sees_the_real_target()
    {
        // HTTP_PROXY and HTTPS_PROXY become HttpClient.DefaultProxy. A client that used it would
        // connect to the proxy (here the listener on 127.0.0.1, allowed by this policy) and hand it
        // a target in a refused range that the address check never sees.
        using var outbound = new OutboundHttp(Options.Create(new OutboundHttpOptions { AllowLoopback = true }));
        var target = new Uri("http://198.18.7.7/hook/proxied");
        var before = HttpClient.DefaultProxy;
        HttpClient.DefaultProxy = new ProxyOnlyFor(target.Host, server.Push.Origin);
        HttpRequestException error;
        try
        {
            error = await Assert.ThrowsAsync<HttpRequestException>(() => outbound.Client.PostAsync(target, new StringContent("{}")));
        }
        finally
        {
            HttpClient.DefaultProxy = before;
        }

        Assert.IsType<OutboundAddressRefusedException>(error.InnerException);
        Assert.Empty(server.Push.For("proxied"));
    }

    [Fact]
    public async Task Loopback_is_reached_only_when_configuration_allows_it()
    {
        using var outbound = new OutboundHttp(Options.Create(new OutboundHttpOptions { AllowLoopback = true }));

        using var response = await outbound.Client.PostAsync(new Uri(server.Push.HookUrl("allowed")), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A proxy for one host only, so that other clients of the test process are not sent through it meanwhile.</summary>
    private sealed class ProxyOnlyFor(string host, Uri proxy) : IWebProxy
    {
        public ICredentials? Credentials { get; set; }

        public Uri? GetProxy(Uri destination) => proxy;

        public bool IsBypassed(Uri destination) => !string.Equals(destination.Host, host, StringComparison.OrdinalIgnoreCase);
    }
}
