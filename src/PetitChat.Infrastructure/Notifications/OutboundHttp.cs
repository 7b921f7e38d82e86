using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace PetitChat.Infrastructure.Notifications;

/// <summary>
/// The HTTP client of the notification channels. Each connection resolves the host itself,
/// drops every address the policy refuses, and connects to an address it checked, so a DNS name
/// that points (or re-points, DNS rebinding) at 127.0.0.1 or 169.254.169.254 is refused too.
/// </summary>
public sealed class OutboundHttp : IDisposable
{
    private readonly OutboundHttpOptions _options;

    public OutboundHttp(IOptions<OutboundHttpOptions> options)
    {
        _options = options.Value;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            // A proxy (HTTP_PROXY, HTTPS_PROXY) would be where the connection goes, and the
            // address checks would see the proxy's address instead of the target's.
            UseProxy = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = _options.Timeout,
        };
        Client = new HttpClient(handler) { Timeout = _options.Timeout };
    }

    public HttpClient Client { get; }

    /// <summary>Why <paramref name="address"/> is refused, or null when it may be reached.</summary>
    public string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        else if (EmbeddedIPv4(address) is { } embedded)
        {
            // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses reach the IPv4 address inside them.
            return Refusal(embedded);
        }

        if (IPAddress.IsLoopback(address))
        {
            return _options.AllowLoopback ? null : "a loopback address";
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast) || address.IsIPv6Multicast)
        {
            return "an unspecified, broadcast or multicast address";
        }

        var isPrivate = IsPrivateOrLinkLocal(address);
        return isPrivate is not null && !_options.AllowPrivateNetworks ? isPrivate : null;
    }

    /// <summary>Checks a URL given by a user: absolute http(s), and a literal IP address must be allowed. Names are checked on connect.</summary>
    public string? CheckUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "must be an absolute http(s) URL";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "must not carry credentials";
        }

        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var literal) && Refusal(literal) is { } why)
        {
            return $"points at {why}, which this server does not reach";
        }

        return uri.IsLoopback && !_options.AllowLoopback ? "points at a loopback address, which this server does not reach" : null;
    }

    public void Dispose() => Client.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        string? refused = null;
        foreach (var address in addresses)
        {
            if (Refusal(address) is { } why)
            {
                refused = why;
                continue;
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new OutboundAddressRefusedException(refused is null
            ? $"{host} has no address."
            : $"{host} resolves to {refused}, which notifications may not reach (Notifications:Outbound allows it).");
    }

    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);
        if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(v6[12..]);
        }

        return v6[0] == 0x20 && v6[1] == 0x02 ? new IPAddress(v6[2..6]) : null;
    }

    private static string? IsPrivateOrLinkLocal(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] switch
            {
                0 => "a 'this network' address",
                10 => "a private address",
                100 when (b[1] & 0xC0) == 64 => "a shared (carrier-grade NAT) address",
                169 when b[1] == 254 => "a link-local address",
                172 when (b[1] & 0xF0) == 16 => "a private address",
                192 when b[1] == 168 => "a private address",
                198 when (b[1] & 0xFE) == 18 => "a benchmarking address",
                >= 224 => "a multicast or reserved address",
                _ => null,
            };
        }

        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal)
        {
            return "a link-local address";
        }

        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);
        return (v6[0] & 0xFE) == 0xFC ? "a private (unique local) address" : null;
    }
}
