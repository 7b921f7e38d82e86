namespace PetitChat.Core.Signals;

/// <summary>
/// A slice of a timeline. With <see cref="Before"/>: the <see cref="Limit"/> newest signals older
/// than it. With <see cref="After"/>: the <see cref="Limit"/> oldest signals newer than it.
/// With neither: the newest. Results are always returned newest first. Bounds are exclusive.
/// </summary>
public sealed record TimelineQuery(Guid? Before, Guid? After, int Limit);
