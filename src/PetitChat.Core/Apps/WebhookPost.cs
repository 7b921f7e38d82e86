namespace PetitChat.Core.Apps;

/// <summary>What a caller posts to an incoming webhook: text and/or link attachments.</summary>
public sealed record WebhookPost(string? Text, IReadOnlyList<WebhookAttachment>? Attachments);

/// <summary>A link shown under the message: a title, a line of text, a url.</summary>
public sealed record WebhookAttachment(string? Title, string? Text, string? Url);
