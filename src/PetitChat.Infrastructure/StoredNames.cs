using PetitChat.Core.Calls;
using PetitChat.Core.Chats;
using PetitChat.Core.Signals;

namespace PetitChat.Infrastructure;

/// <summary>
/// How kinds are written in every store (SQLite rows, Scylla items): stable text, not enum
/// numbers, so that reordering an enum never changes what stored data means.
/// </summary>
internal static class StoredNames
{
    public static string Of(ChatKind kind) => kind switch
    {
        ChatKind.Direct => "direct",
        ChatKind.Group => "group",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown chat kind."),
    };

    public static string Of(SignalKind kind) => kind switch
    {
        SignalKind.Message => "message",
        SignalKind.MemberJoined => "member_joined",
        SignalKind.MemberLeft => "member_left",
        SignalKind.CallStarted => "call_started",
        SignalKind.CallEnded => "call_ended",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown signal kind."),
    };

    public static ChatKind ChatKindOf(string text) => text switch
    {
        "direct" => ChatKind.Direct,
        "group" => ChatKind.Group,
        _ => throw new InvalidOperationException($"Unknown chat kind '{text}' in the store."),
    };

    public static SignalKind SignalKindOf(string text) => text switch
    {
        "message" => SignalKind.Message,
        "member_joined" => SignalKind.MemberJoined,
        "member_left" => SignalKind.MemberLeft,
        "call_started" => SignalKind.CallStarted,
        "call_ended" => SignalKind.CallEnded,
        _ => throw new InvalidOperationException($"Unknown signal kind '{text}' in the store."),
    };

    public static string Of(CallMedia media) => media switch
    {
        CallMedia.Audio => "audio",
        CallMedia.Video => "video",
        _ => throw new ArgumentOutOfRangeException(nameof(media), media, "Unknown call media."),
    };

    public static CallMedia CallMediaOf(string text) => text switch
    {
        "audio" => CallMedia.Audio,
        "video" => CallMedia.Video,
        _ => throw new InvalidOperationException($"Unknown call media '{text}' in the store."),
    };
}
