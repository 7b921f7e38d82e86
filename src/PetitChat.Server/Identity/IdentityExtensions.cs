using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace PetitChat.Server.Identity;

public static class IdentityExtensions
{
    /// <summary>
    /// JWT bearer validation through OIDC discovery and JWKS, against <c>Identity:Authority</c>
    /// or, when it is empty, against the embedded issuer served by this same process over
    /// HTTP, so that development exercises exactly the production path.
    /// </summary>
    public static WebApplicationBuilder AddPetitChatIdentity(this WebApplicationBuilder builder)
    {
        var identity = builder.Configuration.GetSection("Identity").Get<IdentityOptions>() ?? new IdentityOptions();
        builder.Services.AddOptions<IdentityOptions>().BindConfiguration("Identity")
            .Validate(o => o.KeysRefreshInterval >= TimeSpan.FromMinutes(5) && o.KeysMinRefreshInterval >= TimeSpan.FromSeconds(1),
                "Identity:KeysRefreshInterval is at least 00:05:00 and Identity:KeysMinRefreshInterval at least 00:00:01 (IdentityModel's limits).")
            .Validate(o => o.UsesEmbeddedIssuer || Uri.TryCreate(o.Authority, UriKind.Absolute, out _), "Identity:Authority must be an absolute URL.")
            .Validate(o => o.ValidatedTokenLifetime >= TimeSpan.Zero && o.MaxValidatedTokens >= 1,
                "Identity:ValidatedTokenLifetime must not be negative (zero turns it off) and Identity:MaxValidatedTokens is at least 1.")
            .ValidateOnStart();

        string authority;
        if (identity.UsesEmbeddedIssuer)
        {
            RefuseEmbeddedIssuerOutsideDevelopment(identity, builder.Environment);
            var issuer = EmbeddedIssuerUri(identity, builder.Configuration);
            builder.AddEmbeddedIssuer(identity, issuer);
            authority = issuer.AbsoluteUri;
        }
        else
        {
            authority = identity.Authority!;
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.Authority = authority;
            options.Audience = identity.Audience;
            options.RequireHttpsMetadata = authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            options.MapInboundClaims = false;
            options.RefreshOnIssuerKeyNotFound = true;
            options.AutomaticRefreshInterval = identity.KeysRefreshInterval;
            options.RefreshInterval = identity.KeysMinRefreshInterval;
            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = context => context.HttpContext.RequestServices.GetRequiredService<ValidatedTokens>().OnMessageReceived(context),
                // Keycloak marks its tokens with a typ claim: Bearer for access tokens, ID and
                // Refresh for the others. An ID token must never pass for an access token, and a
                // token without the claim is not known to be one (the embedded issuer sets it too).
                OnTokenValidated = context =>
                {
                    var typ = context.Principal?.FindFirst("typ")?.Value;
                    if (!string.Equals(typ, "Bearer", StringComparison.OrdinalIgnoreCase))
                    {
                        context.Fail(typ is null ? "A token without typ=Bearer is not an access token." : $"A '{typ}' token is not an access token.");
                    }
                    else
                    {
                        context.HttpContext.RequestServices.GetRequiredService<ValidatedTokens>().Keep(context);
                    }

                    return Task.CompletedTask;
                },
            };
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidAudience = identity.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                ClockSkew = identity.ClockSkew,
                NameClaimType = "preferred_username",
            };
        });

        // IdentityModel keeps the "last known good" configuration, keys included, for an hour
        // and falls back to it when a token fails against the current keys: a key removed from
        // the realm (compromised, rotated out) would go on working. It must stop at the next refresh.
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            if (options.ConfigurationManager is Microsoft.IdentityModel.Tokens.BaseConfigurationManager manager)
            {
                manager.UseLastKnownGoodConfiguration = false;
            }
        });
        builder.Services.AddSingleton<ValidatedTokens>();
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>
    /// The authentication middleware: the framework's, or with the embedded issuer, one that asks
    /// the issuer only on its own paths (<see cref="IssuerPathsAuthentication"/>).
    /// </summary>
    public static WebApplication UsePetitChatAuthentication(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value.UsesEmbeddedIssuer)
        {
            app.UseAuthentication();
            return app;
        }

        // What UseAuthentication() records, so that the host does not add the framework's middleware
        // in front of the pipeline as well (WebApplication adds it when nobody said it was set).
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        app.UseMiddleware<IssuerPathsAuthentication>();
        return app;
    }

    public static WebApplication MapPetitChatIdentity(this WebApplication app)
    {
        var identity = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value;
        if (identity.UsesEmbeddedIssuer)
        {
            app.MapEmbeddedIssuer();
            app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation(
                "Petit chat is listening on {Urls}. Embedded issuer (development only): sign in as any username with {Password} " +
                "(client '{Client}', password grant at /connect/token), or open the server in a browser.",
                string.Join(", ", app.Urls),
                identity.CliPassword == IdentityOptions.DefaultCliPassword ? $"the password '{identity.CliPassword}'" : "the password set in Identity:CliPassword",
                EmbeddedIssuer.CliClientId));
        }

        return app;
    }

    /// <summary>
    /// The production guard: without <c>Identity:Authority</c> the server would hand out tokens for
    /// any username, <c>admin</c> included, so outside Development it refuses to start unless the
    /// embedded issuer was asked for by name and given a password of its own.
    /// </summary>
    private static void RefuseEmbeddedIssuerOutsideDevelopment(IdentityOptions identity, IWebHostEnvironment environment)
    {
        if (environment.IsDevelopment())
        {
            return;
        }

        if (!identity.Embedded.Enabled)
        {
            throw new StartupRefusedException(
                $"Identity:Authority is empty and the environment is {environment.EnvironmentName}: the embedded issuer is for development only. " +
                "Set Identity:Authority to your OIDC issuer (a Keycloak realm URL), or run with ASPNETCORE_ENVIRONMENT=Development, " +
                "or set Identity:Embedded:Enabled=true with Identity:CliPassword to turn it on anyway.");
        }

        if (string.IsNullOrWhiteSpace(identity.CliPassword) || identity.CliPassword.Trim() == IdentityOptions.DefaultCliPassword)
        {
            throw new StartupRefusedException(
                $"Identity:Embedded:Enabled is true outside Development, with the public default password: set Identity:CliPassword to a password of your own.");
        }
    }

    /// <summary>
    /// The embedded issuer's URL: configured, or the server's first own URL. A wildcard host
    /// (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) is read as localhost, where this
    /// process fetches its own discovery document.
    /// </summary>
    private static Uri EmbeddedIssuerUri(IdentityOptions identity, ConfigurationManager configuration)
    {
        if (!string.IsNullOrWhiteSpace(identity.Embedded.Issuer))
        {
            return new Uri(identity.Embedded.Issuer.TrimEnd('/') + "/");
        }

        var first = (configuration["Urls"] ?? configuration["ASPNETCORE_URLS"] ?? "http://localhost:5080")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        var url = first.Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal);
        return new Uri(url.TrimEnd('/') + "/");
    }
}
