using System.Globalization;
using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Paging;
using PetitChat.Core.Users;

namespace PetitChat.Core.Search;

/// <summary>
/// Search across every chat the caller is a member of at the time of the search: the chats are
/// read from the store on each call and handed to the index as a filter, so a chat left is no
/// longer searched at once and the index never needs to know who is in which chat.
/// </summary>
public sealed class GlobalSearchService(IUserStore userStore, IChatRoster roster, ISearchIndex index, ChatLimits limits, GlobalSearchOptions options)
{
    public async Task<Result<Page<SearchHit>>> SearchAsync(Guid callerId, GlobalSearchRequest request, CancellationToken ct)
    {
        if (request.Q is { } q && q.Length > limits.MaxSearchQueryLength)
        {
            return new Invalid("q", $"q is at most {limits.MaxSearchQueryLength} characters.");
        }

        if (PageSize.Check(request.Limit, limits) is { } invalidLimit)
        {
            return invalidLimit;
        }

        var typed = SearchOperators.Parse(request.Q);
        var from = Pick(request.From, typed.From);
        var @in = Pick(request.In, typed.In);
        var (hasName, beforeName, afterName) = (request.Has is null ? "q" : "has", request.Before is null ? "q" : "before", request.After is null ? "q" : "after");
        var has = Pick(request.Has, typed.Has);
        if (has is not null && !string.Equals(has, "file", StringComparison.OrdinalIgnoreCase))
        {
            return new Invalid(hasName, $"has:{has} is not a filter: only has:file is.");
        }

        if (!TryDate(Pick(request.Before, typed.Before), endOfDay: false, out var before))
        {
            return new Invalid(beforeName, "before must be a date (2026-01-31) or a UTC time (2026-01-31T12:00:00Z).");
        }

        if (!TryDate(Pick(request.After, typed.After), endOfDay: true, out var after))
        {
            return new Invalid(afterName, "after must be a date (2026-01-31) or a UTC time (2026-01-31T12:00:00Z).");
        }

        var words = SearchWords.Split(typed.Words);
        SearchSort sort;
        switch (request.Sort?.ToLowerInvariant())
        {
            case null or "" or "best":
                sort = words.Count == 0 ? SearchSort.Newest : SearchSort.Best;
                break;
            case "newest":
                sort = SearchSort.Newest;
                break;
            default:
                return new Invalid("sort", "sort is best (best match first) or newest.");
        }

        if (words.Count == 0 && from is null && @in is null && before is null && after is null && has is null)
        {
            return new Invalid("q", "q is required: words to search for, or a filter (from:, in:, before:, after:, has:file).");
        }

        var fingerprint = string.Join('\n', typed.Words.Trim(), from, @in, before?.ToString("O", CultureInfo.InvariantCulture),
            after?.ToString("O", CultureInfo.InvariantCulture), has is null ? "" : "file", sort);
        var offset = 0;
        if (request.Cursor is { } cursor)
        {
            try
            {
                offset = SearchCursor.Decode(cursor, Guid.Empty, fingerprint);
            }
            catch (InvalidCursorException e)
            {
                return new Invalid("cursor", e.Message);
            }
        }

        var size = request.Limit ?? limits.DefaultPageSize;
        var room = limits.MaxSearchHits - offset;
        Page<SearchHit> empty = new([], null);
        if (room <= 0)
        {
            return empty;
        }

        Guid? senderId = null;
        if (from is not null)
        {
            if (await FindUserAsync(from, ct) is not { } sender)
            {
                return empty;
            }

            senderId = sender;
        }

        var chats = await ChatsAsync(callerId, @in, ct);
        if (chats.Count == 0)
        {
            return empty;
        }

        var wanted = Math.Min(size, room);
        var filters = new SearchFilters(senderId, after, before, has is not null);
        var hits = await index.SearchChatsAsync(new GlobalSearchQuery(chats, words, filters, sort, offset, wanted + 1), ct);
        var more = hits.Count > wanted && offset + wanted < limits.MaxSearchHits;
        var items = hits.Count > wanted ? [.. hits.Take(wanted)] : hits;
        return new Page<SearchHit>(items, more ? SearchCursor.Encode(Guid.Empty, fingerprint, offset + wanted) : null);
    }

    private static string? Pick(string? parameter, string? typed) =>
        !string.IsNullOrWhiteSpace(parameter) ? parameter.Trim() : typed;

    /// <summary>
    /// A date is a whole UTC day: before: excludes it from its start, after: from its end (as in
    /// Slack); a time is an instant (after: inclusive, before: exclusive).
    /// </summary>
    private static bool TryDate(string? value, bool endOfDay, out DateTimeOffset? at)
    {
        at = null;
        if (value is null)
        {
            return true;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            at = new DateTimeOffset((endOfDay ? day.AddDays(1) : day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }

        if (value.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            at = time;
            return true;
        }

        return false;
    }

    /// <summary>The user with exactly this username (a leading @ is optional), case-insensitive.</summary>
    private async Task<Guid?> FindUserAsync(string from, CancellationToken ct)
    {
        var username = from.TrimStart('@');
        if (username.Length == 0)
        {
            return null;
        }

        var page = await userStore.FindUsersAsync(username, 20, null, ct);
        return page.Items.FirstOrDefault(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase))?.Id;
    }

    /// <summary>
    /// The caller's chats now, most recently active first, at most <see cref="GlobalSearchOptions.MaxChats"/>;
    /// with <paramref name="in"/>, only those it names: a chat id, a group's name (case-insensitive),
    /// or <c>@username</c> for the direct chat with that user.
    /// </summary>
    private async Task<IReadOnlyList<Guid>> ChatsAsync(Guid callerId, string? @in, CancellationToken ct)
    {
        // Ids, kinds and names only: loading whole chats (members, unread counts, last signals) was
        // most of a global search's time for a user in hundreds of chats.
        var chats = await roster.ListChatRefsAsync(callerId, options.MaxChats, ct);

        if (@in is null)
        {
            return [.. chats.Select(c => c.Id)];
        }

        if (Guid.TryParse(@in, out var chatId))
        {
            return chats.Any(c => c.Id == chatId) ? [chatId] : [];
        }

        if (@in.StartsWith('@'))
        {
            if (await FindUserAsync(@in, ct) is not { } other)
            {
                return [];
            }

            var direct = new List<Guid>();
            foreach (var chat in chats.Where(c => c.Kind == ChatKind.Direct))
            {
                if (await roster.GetMemberAsync(chat.Id, other, ct) is not null)
                {
                    direct.Add(chat.Id);
                }
            }

            return direct;
        }

        return [.. chats.Where(c => string.Equals(c.Name, @in, StringComparison.OrdinalIgnoreCase)).Select(c => c.Id)];
    }
}
