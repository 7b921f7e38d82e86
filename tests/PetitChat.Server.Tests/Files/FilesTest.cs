using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Files;

/// <summary>Base of the file tests: the S3-backed server, fresh users per test, upload helpers.</summary>
[Collection(S3FilesCollection.Name)]
public abstract class FilesTest(S3FilesServer server)
{
    protected S3FilesServer Server { get; } = server;

    protected async Task<Chatter> NewChatterAsync(string name = "user")
    {
        var username = $"{name}-{Guid.NewGuid().ToString("N")[..10]}";
        return await Chatter.SignInAsync(await Server.ClientForAsync(username), username);
    }

    /// <summary>Two users and a group of the two.</summary>
    protected async Task<(Chatter Alice, Chatter Bob, Guid ChatId)> PairAsync()
    {
        var alice = await NewChatterAsync("alice");
        var bob = await NewChatterAsync("bob");
        var chat = await alice.CreateGroupAsync("files", bob);
        return (alice, bob, chat.Id());
    }

    protected static Task<HttpResponseMessage> UploadRawAsync(Chatter who, Guid chatId, byte[] bytes, string name = "file.bin",
        string claimedType = "application/octet-stream")
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(claimedType);
        content.Add(new StringContent("a form field before the file"), "comment");
        content.Add(file, "file", name);
        return who.Http.PostAsync(new Uri($"/api/v1/chats/{chatId}/files", UriKind.Relative), content);
    }

    protected static Task<JsonElement> UploadAsync(Chatter who, Guid chatId, byte[] bytes, string name = "file.bin") =>
        UploadRawAsync(who, chatId, bytes, name).OkJsonAsync(201);

    protected static byte[] RandomBytes(int count) => RandomNumberGenerator.GetBytes(count);

    protected static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Every object of the blob generation(s) of these bytes: content, thumbnail, preview.</summary>
    protected async Task<List<string>> ObjectsOfAsync(string sha256)
    {
        var all = new List<string>();
        foreach (var prefix in new[] { "blobs/", "thumbnails/", "previews/" })
        {
            all.AddRange(await Server.ObjectsAsync(prefix + sha256 + "-"));
        }

        return all;
    }

    protected static async Task<byte[]> BytesAsync(Chatter who, string url)
    {
        using var response = await who.GetRawAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }
}
