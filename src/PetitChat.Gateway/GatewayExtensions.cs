using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Transforms;

namespace PetitChat.Gateway;

public static class GatewayExtensions
{
    /// <summary>
    /// YARP with routes and clusters from the <c>ReverseProxy</c> section (appsettings.json holds
    /// the layout; deployments set the destinations), and a transform that replaces any
    /// <c>X-Forwarded-*</c> a client sent with the gateway's own, so the servers, which believe
    /// these headers only from the gateway, see the real client.
    /// </summary>
    public static WebApplicationBuilder AddPetitChatGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddTransforms(context =>
            {
                context.UseDefaultForwarders = false;
                context.AddXForwarded(ForwardedTransformActions.Set);
            });
        return builder;
    }

    /// <summary>
    /// The gateway's own <c>/healthz</c>, then the proxy. A live stream (<c>text/event-stream</c>)
    /// goes through with response buffering off and no request timeout; the events route's
    /// cluster sets a long activity timeout so that YARP never cuts a quiet stream.
    /// </summary>
    public static WebApplication MapPetitChatGateway(this WebApplication app)
    {
        app.MapHealthChecks("/healthz");
        app.MapReverseProxy(proxy => proxy.Use(async (context, next) =>
        {
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await next();
        }));
        return app;
    }
}
