using PetitChat.Core.Presence;

namespace PetitChat.Contracts.Tests.Presence;

/// <summary>Every behaviour of <see cref="IPresenceStore"/>; each store adds a subclass that says how to build it.</summary>
public abstract class PresenceStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    protected abstract Task<IPresenceStore> CreateStoreAsync();

    [Fact]
    public async Task A_status_is_set_replaced_and_cleared_per_user()
    {
        var store = await CreateStoreAsync();
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        Assert.Empty(await store.GetAsync([alice, bob], CancellationToken.None));

        await store.SetStatusAsync(alice, new UserStatus("🌴", "On holiday", Now.AddDays(3), Availability.Dnd, Now), CancellationToken.None);
        await store.SetStatusAsync(alice, new UserStatus(null, "Lunch", null, Availability.Away, Now.AddMinutes(1)), CancellationToken.None);
        await store.SetStatusAsync(bob, new UserStatus("🎧", null, Now.AddMinutes(30), Availability.Auto, Now), CancellationToken.None);

        var both = await store.GetAsync([alice, bob], CancellationToken.None);
        Assert.Equal(new UserStatus(null, "Lunch", null, Availability.Away, Now.AddMinutes(1)), both[alice].Status);
        Assert.Equal(new UserStatus("🎧", null, Now.AddMinutes(30), Availability.Auto, Now), both[bob].Status);

        Assert.True(await store.ClearStatusAsync(alice, CancellationToken.None));
        Assert.False(await store.ClearStatusAsync(alice, CancellationToken.None));
        var after = await store.GetAsync([alice, bob], CancellationToken.None);
        Assert.False(after.ContainsKey(alice));
        Assert.NotNull(after[bob].Status);
    }

    [Fact]
    public async Task Last_seen_is_kept_beside_the_status_and_the_latest_replaces_it()
    {
        var store = await CreateStoreAsync();
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var status = new UserStatus("🎧", "Focus", null, Availability.Busy, Now);
        await store.SetStatusAsync(alice, status, CancellationToken.None);

        await store.SetLastSeenAsync(alice, Now.AddMinutes(5), CancellationToken.None);
        await store.SetLastSeenAsync(bob, Now.AddMinutes(1), CancellationToken.None);
        await store.SetLastSeenAsync(bob, Now.AddMinutes(2), CancellationToken.None);

        var both = await store.GetAsync([alice, bob], CancellationToken.None);
        Assert.Equal((status, Now.AddMinutes(5)), (both[alice].Status, both[alice].LastSeenAt));
        Assert.Equal((null, null, Now.AddMinutes(2)), (both[bob].Status, both[bob].External, both[bob].LastSeenAt));
        Assert.True(await store.ClearStatusAsync(alice, CancellationToken.None));
        Assert.Equal(Now.AddMinutes(5), (await store.GetAsync([alice], CancellationToken.None))[alice].LastSeenAt);
    }

    [Fact]
    public async Task An_expired_status_is_returned_as_stored_for_readers_to_judge()
    {
        var store = await CreateStoreAsync();
        var alice = Guid.CreateVersion7();
        var status = new UserStatus("🍽️", "Lunch", Now.AddMinutes(-1), Availability.Auto, Now.AddHours(-1));
        await store.SetStatusAsync(alice, status, CancellationToken.None);

        var stored = (await store.GetAsync([alice], CancellationToken.None))[alice].Status;
        Assert.Equal(status, stored);
        Assert.False(stored!.IsLive(Now));
    }

    [Fact]
    public async Task External_presence_and_own_status_are_kept_apart()
    {
        var store = await CreateStoreAsync();
        var alice = Guid.CreateVersion7();
        var external = new ExternalPresence(PresenceState.Busy, "InAMeeting", "Quarterly review", Now);
        await store.SetExternalAsync(alice, external, CancellationToken.None);
        await store.SetStatusAsync(alice, new UserStatus("🎯", "Focus", null, Availability.Busy, Now), CancellationToken.None);

        Assert.Equal(external, (await store.GetAsync([alice], CancellationToken.None))[alice].External);

        await store.ClearStatusAsync(alice, CancellationToken.None);
        var kept = (await store.GetAsync([alice], CancellationToken.None))[alice];
        Assert.Null(kept.Status);
        Assert.Equal(external, kept.External);

        await store.SetStatusAsync(alice, new UserStatus(null, "Back", null, Availability.Auto, Now), CancellationToken.None);
        await store.SetExternalAsync(alice, null, CancellationToken.None);
        var own = (await store.GetAsync([alice], CancellationToken.None))[alice];
        Assert.Null(own.External);
        Assert.Equal("Back", own.Status?.Text);
    }

    [Fact]
    public async Task Links_are_set_replaced_listed_and_removed()
    {
        var store = await CreateStoreAsync();
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        Assert.Null(await store.GetLinkAsync(alice, CancellationToken.None));

        await store.SetLinkAsync(new Microsoft365Link(alice, "alice@contoso.example", false), CancellationToken.None);
        await store.SetLinkAsync(new Microsoft365Link(alice, "alice.b@contoso.example", true), CancellationToken.None);
        await store.SetLinkAsync(new Microsoft365Link(bob, "bob@contoso.example", false), CancellationToken.None);

        Assert.Equal(new Microsoft365Link(alice, "alice.b@contoso.example", true), await store.GetLinkAsync(alice, CancellationToken.None));
        var listed = await store.ListLinksAsync(CancellationToken.None);
        Assert.Contains(new Microsoft365Link(alice, "alice.b@contoso.example", true), listed);
        Assert.Contains(new Microsoft365Link(bob, "bob@contoso.example", false), listed);

        Assert.True(await store.RemoveLinkAsync(alice, CancellationToken.None));
        Assert.False(await store.RemoveLinkAsync(alice, CancellationToken.None));
        Assert.DoesNotContain(await store.ListLinksAsync(CancellationToken.None), l => l.UserId == alice);
    }

    [Fact]
    public async Task Many_users_are_read_at_once()
    {
        var store = await CreateStoreAsync();
        var users = Enumerable.Range(0, 230).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var user in users.Where((_, i) => i % 2 == 0))
        {
            await store.SetStatusAsync(user, new UserStatus(null, "here", null, Availability.Auto, Now), CancellationToken.None);
        }

        var found = await store.GetAsync(users, CancellationToken.None);
        Assert.Equal(115, found.Count);
        Assert.All(users.Where((_, i) => i % 2 == 0), u => Assert.True(found.ContainsKey(u)));
    }
}
