using System.Collections.Concurrent;
using PetitChat.Core.Common;
using PetitChat.Core.Events;
using PetitChat.Core.Signals;

namespace PetitChat.Core.Chats;

/// <summary>
/// "Alice is typing…": an ephemeral event to the chat's other members, never stored. Throttled
/// per user and chat on this node (a client calls on every few keystrokes; with several nodes a
/// user's calls usually land on one through the gateway, and an extra event costs nothing).
/// </summary>
public sealed class TypingService(IChatRoster roster, ISignalStore timeline, IEventBus bus, TimeProvider time, TypingOptions options)
{
    private readonly ConcurrentDictionary<(Guid User, Guid Chat), DateTimeOffset> _last = new();

    public async Task<Failure?> StartAsync(Guid callerId, Guid chatId, Guid? threadId, CancellationToken ct)
    {
        var members = await roster.GetMembersAsync(chatId, ct);
        if (!members.Any(m => m.UserId == callerId))
        {
            return ChatService.ChatNotFound;
        }

        if (threadId is { } root && await timeline.GetSignalAsync(chatId, root, ct) is null)
        {
            return new Invalid("threadId", "threadId is not a signal of this chat.");
        }

        var now = time.GetUtcNow();
        var key = (callerId, chatId);
        if (_last.TryGetValue(key, out var last) && now - last < options.Throttle)
        {
            return null;
        }

        _last[key] = now;
        if (_last.Count > options.MaxTracked)
        {
            Forget(now);
        }

        var others = members.Where(m => m.UserId != callerId).Select(m => m.UserId).ToList();
        if (others.Count > 0)
        {
            await bus.PublishEphemeralAsync(new TypingStarted(chatId, callerId, threadId, now + options.Lifetime), others, CancellationToken.None);
        }

        return null;
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, at) in _last)
        {
            if (now - at >= options.Throttle)
            {
                _last.TryRemove(key, out _);
            }
        }
    }
}
