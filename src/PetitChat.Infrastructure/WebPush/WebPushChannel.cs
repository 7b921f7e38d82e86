using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.Extensions.Logging;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.Notifications;
using CorePushSubscription = PetitChat.Core.Notifications.PushSubscription;
using LibPushSubscription = Lib.Net.Http.WebPush.PushSubscription;

namespace PetitChat.Infrastructure.WebPush;

/// <summary>
/// Web Push: the payload encrypted for each of the user's browsers (RFC 8291, aes128gcm) and sent
/// with a VAPID token (RFC 8292). A push service answering 404 or 410 means the browser dropped
/// the subscription: it is removed. 429 and 5xx are retried later, at the Retry-After when given.
/// </summary>
public sealed partial class WebPushChannel : INotificationChannel, IDisposable
{
    private readonly INotificationSettingsStore _settings;
    private readonly ILogger<WebPushChannel> _logger;
    private readonly PushServiceClient _client;
    private readonly VapidAuthentication _vapid;
    private readonly TimeSpan _timeToLive;
    private readonly TimeSpan _callTimeToLive;
    private readonly TimeProvider _time;

    public WebPushChannel(INotificationSettingsStore settings, OutboundHttp http, VapidKeys keys, WebPushOptions options, TimeProvider time, ILogger<WebPushChannel> logger)
    {
        _settings = settings;
        _logger = logger;
        _timeToLive = options.TimeToLive;
        _callTimeToLive = options.CallTimeToLive;
        _time = time;
        _vapid = new VapidAuthentication(keys.PublicKey, keys.PrivateKey) { Subject = options.Subject };
        _client = new PushServiceClient(http.Client)
        {
            DefaultAuthentication = _vapid,
            DefaultAuthenticationScheme = VapidAuthenticationScheme.Vapid,
            // Retries belong to the queue (backoff, dead letter), not to a blocked worker.
            AutoRetryAfter = false,
        };
    }

    public string Name => "webpush";

    /// <summary>A message waits a day for an offline browser; an incoming call only while it still rings.</summary>
    private TimeSpan TimeToLiveOf(Notification notification)
    {
        if (notification.CallId is null)
        {
            return _timeToLive;
        }

        var left = notification.SentAt + _callTimeToLive - _time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public async Task<IReadOnlyList<ChannelTarget>> TargetsAsync(Guid userId, CancellationToken ct)
    {
        var subscriptions = await _settings.GetPushSubscriptionsAsync(userId, ct);
        return [.. subscriptions.Select(s => new ChannelTarget(KeyOf(s.Endpoint), s))];
    }

    public async Task<Delivery> DeliverAsync(ChannelTarget target, Notification notification, CancellationToken ct)
    {
        var subscription = (CorePushSubscription)target.Address;
        var pushSubscription = new LibPushSubscription { Endpoint = subscription.Endpoint };
        pushSubscription.SetKey(PushEncryptionKeyName.P256DH, subscription.P256dh);
        pushSubscription.SetKey(PushEncryptionKeyName.Auth, subscription.Auth);
        var payload = JsonSerializer.Serialize(NotificationPayload.From(notification), NotificationJson.Default.NotificationPayload);
        var message = new PushMessage(payload)
        {
            // One pending message per chat at the push service: a newer one replaces an undelivered older one.
            // An incoming call has its own topic, so that a message of its chat never replaces it, and
            // is urgent (RFC 8030 section 5.3 names the incoming call as what "high" is for).
            Topic = (notification.CallId ?? notification.ChatId).ToString("N"),
            TimeToLive = (int)TimeToLiveOf(notification).TotalSeconds,
            Urgency = notification.Mentioned || notification.CallId is not null ? PushMessageUrgency.High : PushMessageUrgency.Normal,
        };

        try
        {
            await _client.RequestPushMessageDeliveryAsync(pushSubscription, message, ct);
            return Delivery.Ok;
        }
        catch (PushServiceClientException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            await _settings.RemovePushSubscriptionAsync(subscription.UserId, subscription.Endpoint, ct);
            LogRemoved(subscription.UserId, (int)e.StatusCode);
            return new Delivery(DeliveryStatus.Removed);
        }
        catch (PushServiceClientException e) when (e.StatusCode == HttpStatusCode.TooManyRequests || (int)e.StatusCode >= 500)
        {
            return new Delivery(DeliveryStatus.Retry, $"push service answered {(int)e.StatusCode}", RetryAfter(e));
        }
        catch (PushServiceClientException e)
        {
            return new Delivery(DeliveryStatus.Failed, $"push service answered {(int)e.StatusCode}");
        }
        catch (HttpRequestException e) when (e.InnerException is OutboundAddressRefusedException refused)
        {
            return new Delivery(DeliveryStatus.Failed, refused.Message);
        }
        catch (HttpRequestException e)
        {
            return new Delivery(DeliveryStatus.Retry, $"push service unreachable: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Delivery(DeliveryStatus.Retry, "push service timed out");
        }
    }

    public void Dispose() => _vapid.Dispose();

    private static TimeSpan? RetryAfter(PushServiceClientException e)
    {
        var retryAfter = e.Headers?.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    private static string KeyOf(string endpoint) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(endpoint)).AsSpan(0, 12));

    [LoggerMessage(Level = LogLevel.Information, Message = "Push subscription of {UserId} removed: the push service answered {Status}")]
    private partial void LogRemoved(Guid userId, int status);
}
