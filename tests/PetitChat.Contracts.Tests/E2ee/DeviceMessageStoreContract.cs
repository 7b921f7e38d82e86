using PetitChat.Core.E2ee;
using PetitChat.Core.Paging;

namespace PetitChat.Contracts.Tests.E2ee;

/// <summary>Every behaviour of <see cref="IDeviceMessageStore"/>; each store adds a subclass that says how to build it.</summary>
public abstract class DeviceMessageStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    protected abstract Task<IDeviceMessageStore> CreateMessageStoreAsync();

    private static DeviceMessage NewMessage(Guid to, string device, string content = "{\"v\":1}") =>
        new(Guid.CreateVersion7(), to, device, Guid.CreateVersion7(), "sender-device", "key_share", content, Now);

    [Fact]
    public async Task Messages_wait_per_device_oldest_first_until_acknowledged()
    {
        var store = await CreateMessageStoreAsync();
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        // In id order (UUIDv7 made within one millisecond are not ordered by creation).
        var messages = Enumerable.Range(0, 5).Select(i => NewMessage(alice, "phone", $"{{\"n\":{i}}}")).OrderBy(m => m.Id.ToString("D"), StringComparer.Ordinal).ToList();
        await store.AddAsync([.. messages, NewMessage(alice, "laptop"), NewMessage(bob, "phone")], CancellationToken.None);

        var first = await store.ListAsync(alice, "phone", 3, null, CancellationToken.None);
        var second = await store.ListAsync(alice, "phone", 3, first.NextCursor, CancellationToken.None);

        Assert.Equal(messages.Take(3), first.Items);
        Assert.Equal(messages.Skip(3), second.Items);
        Assert.Null(second.NextCursor);

        // Another device's id is ignored: acknowledging only ever removes this device's messages.
        var laptops = (await store.ListAsync(alice, "laptop", 10, null, CancellationToken.None)).Items;
        await store.AcknowledgeAsync(alice, "phone", [messages[0].Id, messages[1].Id, laptops[0].Id, Guid.CreateVersion7()], CancellationToken.None);

        Assert.Equal(messages.Skip(2), (await store.ListAsync(alice, "phone", 10, null, CancellationToken.None)).Items);
        Assert.Single((await store.ListAsync(alice, "laptop", 10, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task Adding_the_same_message_again_does_not_duplicate_it()
    {
        var store = await CreateMessageStoreAsync();
        var user = Guid.CreateVersion7();
        var message = NewMessage(user, "d");

        await store.AddAsync([message], CancellationToken.None);
        await store.AddAsync([message], CancellationToken.None);

        Assert.Equal([message], (await store.ListAsync(user, "d", 10, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task Trimming_keeps_the_newest_messages_of_that_device_only()
    {
        var store = await CreateMessageStoreAsync();
        var user = Guid.CreateVersion7();
        var messages = Enumerable.Range(0, 5).Select(i => NewMessage(user, "absent", $"{{\"n\":{i}}}")).OrderBy(m => m.Id.ToString("D"), StringComparer.Ordinal).ToList();
        var other = NewMessage(user, "present");
        await store.AddAsync([.. messages, other], CancellationToken.None);

        Assert.Equal(2, await store.TrimAsync(user, "absent", 3, CancellationToken.None));
        Assert.Equal(0, await store.TrimAsync(user, "absent", 3, CancellationToken.None));

        Assert.Equal(messages.Skip(2), (await store.ListAsync(user, "absent", 10, null, CancellationToken.None)).Items);
        Assert.Equal([other], (await store.ListAsync(user, "present", 10, null, CancellationToken.None)).Items);
        Assert.Equal(3, await store.TrimAsync(user, "absent", 0, CancellationToken.None));
        Assert.Empty((await store.ListAsync(user, "absent", 10, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task Trimming_a_long_queue_pages_through_it()
    {
        var store = await CreateMessageStoreAsync();
        var user = Guid.CreateVersion7();
        var messages = Enumerable.Range(0, 250).Select(_ => NewMessage(user, "d")).OrderBy(m => m.Id.ToString("D"), StringComparer.Ordinal).ToList();
        await store.AddAsync(messages, CancellationToken.None);

        Assert.Equal(245, await store.TrimAsync(user, "d", 5, CancellationToken.None));

        Assert.Equal(messages.TakeLast(5), (await store.ListAsync(user, "d", 10, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task Deleting_a_devices_messages_leaves_the_others()
    {
        var store = await CreateMessageStoreAsync();
        var user = Guid.CreateVersion7();
        await store.AddAsync([.. Enumerable.Range(0, 120).Select(_ => NewMessage(user, "gone")), NewMessage(user, "kept")], CancellationToken.None);

        await store.DeleteAllAsync(user, "gone", CancellationToken.None);

        Assert.Empty((await store.ListAsync(user, "gone", 10, null, CancellationToken.None)).Items);
        Assert.Single((await store.ListAsync(user, "kept", 10, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task A_cursor_the_store_did_not_issue_is_refused()
    {
        var store = await CreateMessageStoreAsync();

        await Assert.ThrowsAsync<InvalidCursorException>(() => store.ListAsync(Guid.CreateVersion7(), "d", 10, "bm90LWEtY3Vyc29y", CancellationToken.None));
    }
}
