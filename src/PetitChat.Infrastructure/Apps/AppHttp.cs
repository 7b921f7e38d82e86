using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PetitChat.Core.Apps;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.Notifications;
using PetitChat.Infrastructure.Webhooks;

namespace PetitChat.Infrastructure.Apps;

/// <summary>
/// Posts to an app's url through the notifier's outbound client (its address checks apply at every
/// connection), signed like the notification webhook: <c>X-PetitChat-Signature: sha256=HEX</c>, the
/// HMAC-SHA256 under the app's signing secret of <c>{timestamp}.{body}</c>, the timestamp in
/// <c>X-PetitChat-Timestamp</c> and the delivery id in <c>X-PetitChat-Delivery</c>. Plain http only
/// with <c>Apps:AllowHttp</c>. 2xx is delivered; 408, 429, 5xx and network errors may pass on a retry.
/// </summary>
public sealed class AppHttp(OutboundHttp http, AppOptions options, TimeProvider time)
{
    private const int MaxAnswerBytes = 64 * 1024;

    public async Task<AppAnswer> PostAsync(App app, string deliveryId, byte[] body, CancellationToken ct)
    {
        if (!Uri.TryCreate(app.Url, UriKind.Absolute, out var url) || !(url.Scheme == Uri.UriSchemeHttps || (options.AllowHttp && url.Scheme == Uri.UriSchemeHttp)))
        {
            return new AppAnswer(DeliveryStatus.Failed, "the app's url is not https (Apps:AllowHttp allows http)");
        }

        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookChannel.SignatureHeader, WebhookChannel.Sign(app.SigningSecret, timestamp, body));
        request.Headers.Add(WebhookChannel.TimestampHeader, timestamp);
        request.Headers.Add(WebhookChannel.DeliveryHeader, deliveryId);
        try
        {
            using var response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new AppAnswer(DeliveryStatus.Delivered, null, Body: await ReadBoundedAsync(response, ct));
            }

            return response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || status >= 500
                ? new AppAnswer(DeliveryStatus.Retry, $"app answered {status}", response.Headers.RetryAfter?.Delta)
                : new AppAnswer(DeliveryStatus.Failed, $"app answered {status}");
        }
        catch (HttpRequestException e) when (e.InnerException is OutboundAddressRefusedException refused)
        {
            return new AppAnswer(DeliveryStatus.Failed, refused.Message);
        }
        catch (HttpRequestException e)
        {
            return new AppAnswer(DeliveryStatus.Retry, $"app unreachable: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AppAnswer(DeliveryStatus.Retry, "app timed out");
        }
    }

    private static async Task<string?> ReadBoundedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxAnswerBytes + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read == 0 || read > MaxAnswerBytes ? null : Encoding.UTF8.GetString(buffer, 0, read);
    }
}
