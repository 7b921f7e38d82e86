using Microsoft.Extensions.Diagnostics.HealthChecks;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace PetitChat.Infrastructure.Health;

/// <summary>
/// Ready when the connection is open and JetStream answers (in a cluster: a meta leader is
/// elected, so streams can take writes). A node whose NATS is gone stops getting traffic from
/// the gateway until it is back; its open streams resume elsewhere.
/// </summary>
internal sealed class NatsHealthCheck(INatsConnection connection, string what) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (connection.ConnectionState != NatsConnectionState.Open)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{what}: NATS connection is {connection.ConnectionState}.");
        }

        try
        {
            await new NatsJSContext(connection).GetAccountInfoAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{what}: JetStream does not answer.", e);
        }
    }
}
