using PetitChat.Core.Common;

namespace PetitChat.Core.Paging;

public static class PageSize
{
    /// <summary>The failure for a page size out of 1..max, or null when it is fine (or absent).</summary>
    public static Invalid? Check(int? limit, ChatLimits limits) =>
        limit is { } value && (value < 1 || value > limits.MaxPageSize)
            ? new Invalid("limit", $"limit must be between 1 and {limits.MaxPageSize}.")
            : null;
}
