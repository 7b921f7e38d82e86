namespace PetitChat.Core.Chats;

/// <summary>
/// A change of a chat's members, as a node tells itself and the others (<see cref="IRosterChanges"/>).
/// <paramref name="Users"/> are everyone whose chat partners it changed: the members after it and
/// whoever left (every member of a new chat). Null when they are not known (the members could not
/// be read after the change, or the notice came from a node that does not name them): whatever is
/// kept per user is then dropped for every user.
/// </summary>
public sealed record RosterChange(Guid ChatId, IReadOnlyCollection<Guid>? Users);
