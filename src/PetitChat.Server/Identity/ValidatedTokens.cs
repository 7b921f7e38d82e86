using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace PetitChat.Server.Identity;

/// <summary>
/// Access tokens this node has validated, by their exact text, so that the next request with the
/// same token skips parsing it and checking its RS256 signature again (a client sends one token
/// for minutes). An entry lives until the token expires, at most
/// <see cref="IdentityOptions.ValidatedTokenLifetime"/>, and only while the issuer's keys are the
/// ones it was validated with: when JwtBearer fetches the keys again (every
/// <see cref="IdentityOptions.KeysRefreshInterval"/>, or at once for a token signed with an unknown
/// key), every entry is dropped, so a key removed from the issuer stops working here as it did
/// without the cache. Both issuers' tokens are self-contained JWTs that this server never asks
/// about again (no introspection): a revoked token was already accepted until it expired, and
/// the cache adds no such case (docs/decisions/0014).
/// </summary>
public sealed class ValidatedTokens(TimeProvider time, IOptions<IdentityOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly IdentityOptions _options = options.Value;
    private long _nextSweep;

    /// <summary>The issuer's configuration (its keys) that the entries were validated with.</summary>
    private OpenIdConnectConfiguration? _configuration;

    /// <summary>Before validation: a token validated a moment ago authenticates the request as it did then.</summary>
    public async Task OnMessageReceived(MessageReceivedContext context)
    {
        if (_options.ValidatedTokenLifetime <= TimeSpan.Zero)
        {
            return;
        }

        if (context.Options.ConfigurationManager is { } manager)
        {
            OpenIdConnectConfiguration configuration;
            try
            {
                configuration = await manager.GetConfigurationAsync(context.HttpContext.RequestAborted);
            }
#pragma warning disable CA1031 // The handler fetches it again and reports the failure.
            catch (Exception)
#pragma warning restore CA1031
            {
                return;
            }

            if (!ReferenceEquals(configuration, Volatile.Read(ref _configuration)))
            {
                // New keys (or the first): what was validated with the old ones is validated again.
                Interlocked.Exchange(ref _configuration, configuration);
                _entries.Clear();
            }
        }

        if (BearerOf(context.Request.Headers.Authorization.ToString()) is { IsEmpty: false } token
            && _entries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(token, out var key, out var entry))
        {
            if (time.GetUtcNow() < entry.Until)
            {
                context.Principal = entry.Principal;
                context.Success();
                return;
            }

            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }
    }

    /// <summary>After a token passed every check (signature, issuer, audience, lifetime, typ).</summary>
    public void Keep(TokenValidatedContext context)
    {
        if (_options.ValidatedTokenLifetime <= TimeSpan.Zero || context.Principal is null
            || context.SecurityToken is not JsonWebToken { EncodedToken: var token, SigningKey: { } signingKey } jwt
            // Kept only when the key that signed it is one of the keys the entries go with: a
            // token validated just before the keys were fetched again is not kept.
            || Volatile.Read(ref _configuration) is not OpenIdConnectConfiguration { SigningKeys: var keys }
            || !keys.Contains(signingKey))
        {
            return;
        }

        var now = time.GetUtcNow();
        var until = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        if (now + _options.ValidatedTokenLifetime < until)
        {
            until = now + _options.ValidatedTokenLifetime;
        }

        // Expired entries go at least once per lifetime, so that streams opened long ago (each
        // validated its token once) leave nothing behind; and none beyond the bound.
        var sweepDue = Interlocked.Read(ref _nextSweep);
        if ((now.UtcTicks >= sweepDue && Interlocked.CompareExchange(ref _nextSweep, (now + _options.ValidatedTokenLifetime).UtcTicks, sweepDue) == sweepDue)
            || _entries.Count >= _options.MaxValidatedTokens)
        {
            foreach (var (key, old) in _entries)
            {
                if (old.Until <= now)
                {
                    _entries.TryRemove(new KeyValuePair<string, Entry>(key, old));
                }
            }

            if (_entries.Count >= _options.MaxValidatedTokens)
            {
                _entries.Clear();
            }
        }

        _entries[token] = new Entry(context.Principal, until);
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header, as JwtBearerHandler reads it.</summary>
    private static ReadOnlySpan<char> BearerOf(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization.AsSpan(7).Trim() : [];

    private sealed record Entry(ClaimsPrincipal Principal, DateTimeOffset Until);
}
