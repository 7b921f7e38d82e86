namespace PetitChat.Core.Search;

/// <summary>
/// The search engine could not answer or take a write (down, timed out, refused). A search
/// request gets a 503; an indexing job is retried with backoff.
/// </summary>
public sealed class SearchUnavailableException : Exception
{
    public SearchUnavailableException()
    {
    }

    public SearchUnavailableException(string message)
        : base(message)
    {
    }

    public SearchUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
