using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.Notifications;

namespace PetitChat.Infrastructure.Webhooks;

/// <summary>
/// A user's webhook: the notification as JSON, posted with <c>X-PetitChat-Signature:
/// sha256=HEX</c>, the HMAC-SHA256 under the user's secret of <c>{timestamp}.{body}</c>, with the
/// timestamp (Unix seconds) in <c>X-PetitChat-Timestamp</c> and the job id (the same on a retry)
/// in <c>X-PetitChat-Delivery</c>. 2xx is delivered; 408, 429 and 5xx are retried; other answers fail.
/// </summary>
public sealed class WebhookChannel(INotificationSettingsStore settings, OutboundHttp http, TimeProvider time) : INotificationChannel
{
    public const string SignatureHeader = "X-PetitChat-Signature";
    public const string TimestampHeader = "X-PetitChat-Timestamp";
    public const string DeliveryHeader = "X-PetitChat-Delivery";

    public string Name => "webhook";

    public async Task<IReadOnlyList<ChannelTarget>> TargetsAsync(Guid userId, CancellationToken ct) =>
        await settings.GetWebhookAsync(userId, ct) is { } webhook ? [new ChannelTarget("url", webhook)] : [];

    public async Task<Delivery> DeliverAsync(ChannelTarget target, Notification notification, CancellationToken ct)
    {
        var webhook = (WebhookSettings)target.Address;
        var body = JsonSerializer.SerializeToUtf8Bytes(NotificationPayload.From(notification), NotificationJson.Default.NotificationPayload);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(SignatureHeader, Sign(webhook.Secret, timestamp, body));
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(DeliveryHeader, notification.JobId);
        try
        {
            using var response = await http.Client.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return Delivery.Ok;
            }

            return response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || status >= 500
                ? new Delivery(DeliveryStatus.Retry, $"webhook answered {status}", response.Headers.RetryAfter?.Delta)
                : new Delivery(DeliveryStatus.Failed, $"webhook answered {status}");
        }
        catch (HttpRequestException e) when (e.InnerException is OutboundAddressRefusedException refused)
        {
            return new Delivery(DeliveryStatus.Failed, refused.Message);
        }
        catch (HttpRequestException e)
        {
            return new Delivery(DeliveryStatus.Retry, $"webhook unreachable: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Delivery(DeliveryStatus.Retry, "webhook timed out");
        }
    }

    /// <summary><c>sha256=</c> and the lowercase hex HMAC-SHA256 of <c>{timestamp}.{body}</c> under <paramref name="secret"/>.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp + "."), .. body];
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
