namespace PetitChat.Core.Search;

/// <summary>The order of a search's hits: best match first (ties newest first), or newest first.</summary>
public enum SearchSort
{
    Best,
    Newest,
}
