using PetitChat.Core.Paging;
using PetitChat.Core.Users;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>
/// The <see cref="IUserStore"/> contract (users), run against each adapter by a subclass that
/// only says how to build the store. Setup goes through the other ports of the same store.
/// </summary>
public abstract class UserStoreContract : StoreContract
{
    protected IUserStore Users => Store;

    [Fact]
    public async Task Upsert_creates_a_user_on_first_sight_of_a_subject()
    {
        var id = NewId();
        var at = Now();
        var claims = new UserClaims($"sub-{Guid.NewGuid():N}", Tag + "Alice", "Alice A.", ["user", "admin"]);

        var user = await Users.UpsertUserAsync(claims, id, at, Ct);

        Assert.Equal(id, user.Id);
        Assert.Equal(claims.Subject, user.Subject);
        Assert.Equal(Tag + "Alice", user.Username);
        Assert.Equal("Alice A.", user.DisplayName);
        Assert.Equal(["user", "admin"], user.Roles);
        Assert.Equal(at, user.CreatedAt);
        var stored = await Users.GetUserAsync(id, Ct);
        Assert.NotNull(stored);
        Assert.Equal((user.Id, user.Subject, user.Username, user.DisplayName, user.CreatedAt),
            (stored.Id, stored.Subject, stored.Username, stored.DisplayName, stored.CreatedAt));
        Assert.Equal(user.Roles, stored.Roles);
    }

    [Fact]
    public async Task Upsert_of_a_known_subject_refreshes_the_profile_and_keeps_id_and_creation_time()
    {
        var subject = $"sub-{Guid.NewGuid():N}";
        var first = await Users.UpsertUserAsync(new UserClaims(subject, Tag + "bob", "Bob", []), NewId(), Now(), Ct);

        var second = await Users.UpsertUserAsync(new UserClaims(subject, Tag + "robert", "Robert", ["admin"]), NewId(), Now(), Ct);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.Equal(Tag + "robert", second.Username);
        Assert.Equal("Robert", second.DisplayName);
        Assert.Equal(["admin"], second.Roles);
        var stored = await Users.GetUserAsync(first.Id, Ct);
        Assert.Equal("Robert", stored?.DisplayName);
    }

    [Fact]
    public async Task Upsert_keeps_the_email_and_refreshes_or_clears_it()
    {
        var subject = $"sub-{Guid.NewGuid():N}";
        var first = await Users.UpsertUserAsync(new UserClaims(subject, Tag + "gina", "Gina", [], "gina@example.org"), NewId(), Now(), Ct);
        var changed = await Users.UpsertUserAsync(new UserClaims(subject, Tag + "gina", "Gina", [], "g@example.org"), NewId(), Now(), Ct);
        var cleared = await Users.UpsertUserAsync(new UserClaims(subject, Tag + "gina", "Gina", []), NewId(), Now(), Ct);

        Assert.Equal("gina@example.org", first.Email);
        Assert.Equal("g@example.org", changed.Email);
        Assert.Null(cleared.Email);
        Assert.Null((await Users.GetUserAsync(first.Id, Ct))?.Email);
    }

    [Fact]
    public async Task Users_are_found_by_subject()
    {
        var (one, two) = ($"sub-{Guid.NewGuid():N}", $"sub-{Guid.NewGuid():N}");
        var first = await Users.UpsertUserAsync(new UserClaims(one, Tag + "hal", "Hal", []), NewId(), Now(), Ct);
        var second = await Users.UpsertUserAsync(new UserClaims(two, Tag + "ida", "Ida", [], "ida@example.org"), NewId(), Now(), Ct);

        var found = await Users.GetUsersBySubjectAsync([one, two, "sub-nobody"], Ct);

        Assert.Equal([first.Id, second.Id], found.Select(u => u.Id).Order());
        Assert.Equal("ida@example.org", found.Single(u => u.Subject == two).Email);
        Assert.Empty(await Users.GetUsersBySubjectAsync([], Ct));
    }

    [Fact]
    public async Task Upsert_of_the_same_subject_concurrently_creates_one_user()
    {
        var claims = new UserClaims($"sub-{Guid.NewGuid():N}", Tag + "carol", "Carol", []);

        var users = await RaceAsync(20, _ => Users.UpsertUserAsync(claims, NewId(), Now(), Ct));

        Assert.Single(users.Select(u => u.Id).Distinct());
        var found = await Users.FindUsersAsync(Tag + "carol", 10, null, Ct);
        Assert.Single(found.Items);
    }

    [Fact]
    public async Task GetUser_of_an_unknown_id_returns_null()
    {
        Assert.Null(await Users.GetUserAsync(NewId(), Ct));
    }

    [Fact]
    public async Task GetUsers_returns_only_the_users_that_exist()
    {
        var a = await NewUserAsync();
        var b = await NewUserAsync();

        var users = await Users.GetUsersAsync([a.Id, NewId(), b.Id], Ct);

        Assert.Equal(new[] { a.Id, b.Id }.Order(), users.Select(u => u.Id).Order());
        Assert.Empty(await Users.GetUsersAsync([], Ct));
    }

    [Fact]
    public async Task FindUsers_matches_a_username_prefix_case_insensitively()
    {
        var alice = await NewUserAsync("Alice");
        await NewUserAsync("bob");

        var lower = await Users.FindUsersAsync(Tag + "ali", 10, null, Ct);
        var upper = await Users.FindUsersAsync((Tag + "ALI").ToUpperInvariant(), 10, null, Ct);

        Assert.Equal([alice.Id], lower.Items.Select(u => u.Id));
        Assert.Equal([alice.Id], upper.Items.Select(u => u.Id));
        Assert.Null(lower.NextCursor);
    }

    [Fact]
    public async Task FindUsers_treats_percent_underscore_and_wildcards_literally()
    {
        var underscore = await NewUserAsync("a_b");
        var percent = await NewUserAsync("a%b");
        var star = await NewUserAsync("a*b");
        var bracket = await NewUserAsync("a[b");
        await NewUserAsync("axb");
        await NewUserAsync("a");

        async Task<Guid[]> Find(string prefix) => [.. (await Users.FindUsersAsync(Tag + prefix, 10, null, Ct)).Items.Select(u => u.Id)];

        Assert.Equal([underscore.Id], await Find("a_"));
        Assert.Equal([percent.Id], await Find("a%"));
        Assert.Equal([star.Id], await Find("a*"));
        Assert.Equal([bracket.Id], await Find("a["));
        Assert.Empty(await Find("a\\"));
    }

    [Fact]
    public async Task FindUsers_pages_through_every_match_in_username_order()
    {
        var users = new List<User>();
        foreach (var name in new[] { "e", "c", "a", "d", "b" })
        {
            users.Add(await NewUserAsync(name));
        }

        var pages = new List<int>();
        var found = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Users.FindUsersAsync(Tag, 2, cursor, Ct);
            pages.Add(page.Items.Count);
            found.AddRange(page.Items.Select(u => u.Username));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal([2, 2, 1], pages);
        Assert.Equal(["a", "b", "c", "d", "e"], found.Select(n => n[Tag.Length..]));
    }

    [Fact]
    public async Task FindUsers_on_an_exact_page_boundary_returns_no_cursor_on_the_last_page()
    {
        for (var i = 0; i < 4; i++)
        {
            await NewUserAsync($"user{i}");
        }

        var first = await Users.FindUsersAsync(Tag, 2, null, Ct);
        var second = await Users.FindUsersAsync(Tag, 2, first.NextCursor, Ct);

        Assert.NotNull(first.NextCursor);
        Assert.Equal(2, second.Items.Count);
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task FindUsers_orders_users_with_the_same_username_by_id_across_pages()
    {
        var first = await NewUserAsync("twin");
        var second = await Users.UpsertUserAsync(new UserClaims($"sub-{Guid.NewGuid():N}", Tag + "TWIN", "Other twin", []), NewId(), Now(), Ct);

        var page1 = await Users.FindUsersAsync(Tag + "twin", 1, null, Ct);
        var page2 = await Users.FindUsersAsync(Tag + "twin", 1, page1.NextCursor, Ct);

        Assert.Equal([first.Id, second.Id], page1.Items.Concat(page2.Items).Select(u => u.Id));
        Assert.Null(page2.NextCursor);
    }

    [Fact]
    public async Task FindUsers_with_no_match_returns_an_empty_page()
    {
        await NewUserAsync("dave");

        var page = await Users.FindUsersAsync(Tag + "zzz", 10, null, Ct);

        Assert.Empty(page.Items);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task FindUsers_with_an_empty_prefix_lists_everyone_in_username_order()
    {
        var me = await NewUserAsync("erin");

        var all = new List<User>();
        string? cursor = null;
        do
        {
            var page = await Users.FindUsersAsync("", 100, cursor, Ct);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Contains(all, u => u.Id == me.Id);
        var names = all.Select(u => u.Username.ToLowerInvariant()).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task FindUsers_finds_a_renamed_user_by_the_new_name_only()
    {
        var subject = $"sub-{Guid.NewGuid():N}";
        var user = await Users.UpsertUserAsync(new UserClaims(subject, Tag + "frank", "Frank", []), NewId(), Now(), Ct);
        await Users.UpsertUserAsync(new UserClaims(subject, Tag + "francis", "Frank", []), NewId(), Now(), Ct);

        Assert.Empty((await Users.FindUsersAsync(Tag + "frank", 10, null, Ct)).Items);
        Assert.Equal([user.Id], (await Users.FindUsersAsync(Tag + "franc", 10, null, Ct)).Items.Select(u => u.Id));
    }

    [Fact]
    public async Task FindUsers_rejects_a_cursor_it_did_not_issue()
    {
        await Assert.ThrowsAsync<InvalidCursorException>(() => Users.FindUsersAsync(Tag, 10, "not a cursor", Ct));
    }
}
