using PetitChat.Core.E2ee;

namespace PetitChat.Contracts.Tests.E2ee;

/// <summary>Every behaviour of <see cref="IDeviceStore"/>; each store adds a subclass that says how to build it.</summary>
public abstract class DeviceStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    protected abstract Task<IDeviceStore> CreateDeviceStoreAsync();

    internal static Device NewDevice(Guid userId, string deviceId, DateTimeOffset at, string keySeed = "k") => new(
        userId, deviceId, "phone", new EcPublicKey(keySeed + "ix", keySeed + "iy"), new EcPublicKey(keySeed + "ax", keySeed + "ay"), keySeed + "sig", at);

    [Fact]
    public async Task A_device_is_added_once_and_a_second_add_returns_the_stored_one_unchanged()
    {
        var store = await CreateDeviceStoreAsync();
        var user = Guid.CreateVersion7();
        var first = NewDevice(user, "d1", Now);

        Assert.Equal((first, true), await store.AddAsync(first, CancellationToken.None));
        var (stored, created) = await store.AddAsync(NewDevice(user, "d1", Now.AddSeconds(5), "other"), CancellationToken.None);

        Assert.False(created);
        Assert.Equal(first, stored);
        Assert.Equal(first, await store.GetAsync(user, "d1", CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_first_adds_of_one_device_create_it_exactly_once()
    {
        var store = await CreateDeviceStoreAsync();
        var user = Guid.CreateVersion7();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => store.AddAsync(NewDevice(user, "same", Now, "s" + i), CancellationToken.None)));

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Device).Distinct());
    }

    [Fact]
    public async Task Devices_are_listed_per_user_oldest_first_renamed_and_deleted()
    {
        var store = await CreateDeviceStoreAsync();
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await store.AddAsync(NewDevice(alice, "b-later", Now.AddMinutes(1)), CancellationToken.None);
        await store.AddAsync(NewDevice(alice, "z-first", Now), CancellationToken.None);
        await store.AddAsync(NewDevice(alice, "a-later", Now.AddMinutes(1)), CancellationToken.None);
        await store.AddAsync(NewDevice(bob, "bobs", Now), CancellationToken.None);

        Assert.Equal(["z-first", "a-later", "b-later"], (await store.ListAsync(alice, CancellationToken.None)).Select(d => d.DeviceId));
        Assert.True(await store.RenameAsync(alice, "a-later", "laptop", CancellationToken.None));
        Assert.False(await store.RenameAsync(alice, "missing", "x", CancellationToken.None));
        Assert.Equal("laptop", (await store.GetAsync(alice, "a-later", CancellationToken.None))?.Name);
        Assert.True(await store.DeleteAsync(alice, "z-first", CancellationToken.None));
        Assert.False(await store.DeleteAsync(alice, "z-first", CancellationToken.None));
        Assert.False(await store.DeleteAsync(bob, "a-later", CancellationToken.None));
        Assert.Null(await store.GetAsync(alice, "z-first", CancellationToken.None));
        Assert.Equal(2, (await store.ListAsync(alice, CancellationToken.None)).Count);
        Assert.Single(await store.ListAsync(bob, CancellationToken.None));
    }
}
