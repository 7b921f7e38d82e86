using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace PetitChat.Server.Identity;

/// <summary>
/// Access tokens this node has validated, by their exact text, so that the next request with the
/// same token skips parsing it and checking its RS256 signature again (a client sends one token
/// for minutes). An entry lives until the token expires, and at most
/// <see cref="IdentityOptions.ValidatedTokenLifetime"/>: both issuers' tokens are self-contained
/// JWTs that this server never asks about again (no introspection), so a revoked token was
/// already accepted until it expired; what a cached entry could outlive is only a signing key
/// removed from the issuer's JWKS, and the lifetime bounds that (docs/decisions/0014).
/// </summary>
public sealed class ValidatedTokens(TimeProvider time, IOptions<IdentityOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly IdentityOptions _options = options.Value;

    /// <summary>Before validation: a token validated a moment ago authenticates the request as it did then.</summary>
    public Task OnMessageReceived(MessageReceivedContext context)
    {
        if (_options.ValidatedTokenLifetime > TimeSpan.Zero
            && BearerOf(context.Request.Headers.Authorization.ToString()) is { IsEmpty: false } token
            && _entries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(token, out var key, out var entry))
        {
            if (time.GetUtcNow() < entry.Until)
            {
                context.Principal = entry.Principal;
                context.Success();
            }
            else
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>After a token passed every check (signature, issuer, audience, lifetime, typ).</summary>
    public void Keep(TokenValidatedContext context)
    {
        if (_options.ValidatedTokenLifetime <= TimeSpan.Zero || context.Principal is null
            || context.SecurityToken is not JsonWebToken { EncodedToken: var token } jwt)
        {
            return;
        }

        var now = time.GetUtcNow();
        var until = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        if (now + _options.ValidatedTokenLifetime < until)
        {
            until = now + _options.ValidatedTokenLifetime;
        }

        if (_entries.Count >= _options.MaxValidatedTokens)
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
