namespace PetitChat.Core.Notifications;

/// <summary>One place a channel delivers to (a push subscription, a webhook), with a key stable across attempts.</summary>
public sealed record ChannelTarget(string Key, object Address);
