using System.Net;
using System.Text;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Files;

public sealed class UploadTests(S3FilesServer server) : FilesTest(server)
{
    [Fact]
    public async Task An_upload_gets_its_type_from_the_bytes_and_a_name_that_is_no_path()
    {
        var (alice, _, chat) = await PairAsync();
        var bytes = Encoding.UTF8.GetBytes("plain words, claimed to be a PNG");

        using var response = await UploadRawAsync(alice, chat, bytes, "../../etc/passwd", claimedType: "image/png");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var file = await response.ReadJsonAsync();
        Assert.Equal($"/api/v1/files/{file.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal("passwd", file.Str("name"));
        Assert.Equal("text/plain; charset=utf-8", file.Str("contentType"));
        Assert.Equal(bytes.Length, file.GetProperty("size").GetInt64());
        Assert.Equal(Sha256(bytes), file.Str("sha256"));
        Assert.Equal(chat, file.GetProperty("chatId").GetGuid());
        Assert.Equal(alice.Id, file.GetProperty("uploaderId").GetGuid());
        Assert.Equal(JsonValueKindNull, file.GetProperty("previewUrl").ValueKind);
        Assert.Equal(bytes, await BytesAsync(alice, file.Str("contentUrl")));
    }

    [Theory]
    [InlineData("..\\..\\windows\\system32\\evil.dll", "evil.dll")]
    [InlineData(".htaccess", "htaccess")]
    [InlineData("a\u202Egnp.exe", "a_gnp.exe")]
    [InlineData("...", "file")]
    public async Task Hostile_file_names_are_made_harmless(string name, string expected)
    {
        var (alice, _, chat) = await PairAsync();

        var file = await UploadAsync(alice, chat, RandomBytes(100), name);

        Assert.Equal(expected, file.Str("name"));
    }

    [Fact]
    public async Task The_same_bytes_in_two_chats_by_two_users_are_stored_once()
    {
        var (alice, bob, chat) = await PairAsync();
        var carol = await NewChatterAsync("carol");
        var otherChat = (await bob.CreateGroupAsync("elsewhere", carol)).Id();
        var photo = TestImages.Png(300, 200);

        var first = await UploadAsync(alice, chat, photo, "photo.png");
        var objectsAfterFirst = await ObjectsOfAsync(Sha256(photo));
        var second = await UploadAsync(bob, otherChat, photo, "same-photo.png");

        Assert.NotEqual(first.Id(), second.Id());
        Assert.Equal(first.Str("sha256"), second.Str("sha256"));
        Assert.Equal(3, objectsAfterFirst.Count); // the bytes, a thumbnail, a preview
        Assert.Equal(objectsAfterFirst.Order(), (await ObjectsOfAsync(Sha256(photo))).Order());
        Assert.Single(await Server.ObjectsAsync("blobs/" + Sha256(photo)));
        Assert.Equal(await BytesAsync(alice, first.Str("contentUrl")), await BytesAsync(bob, second.Str("contentUrl")));
    }

    [Fact]
    public async Task Deleting_the_last_file_of_some_bytes_removes_their_objects()
    {
        var (alice, bob, chat) = await PairAsync();
        var photo = TestImages.Png(120, 90);
        var first = await UploadAsync(alice, chat, photo);
        var second = await UploadAsync(bob, chat, photo);

        using (var deleted = await alice.DeleteRawAsync($"/api/v1/files/{first.Id()}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal(3, (await ObjectsOfAsync(Sha256(photo))).Count);
        Assert.Equal(photo.Length > 0, (await BytesAsync(bob, second.Str("contentUrl"))).Length > 0);

        using (var deleted = await bob.DeleteRawAsync($"/api/v1/files/{second.Id()}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Empty(await ObjectsOfAsync(Sha256(photo)));
        await alice.GetRawAsync($"/api/v1/files/{first.Id()}").ProblemAsync(404);
    }

    [Fact]
    public async Task Concurrent_uploads_of_the_same_bytes_keep_every_reference_and_leave_no_orphan()
    {
        var (alice, _, chat) = await PairAsync();
        var bytes = RandomBytes(300_000);

        var uploads = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => UploadAsync(alice, chat, bytes))));

        Assert.Equal(6, uploads.Select(u => u.Id()).Distinct().Count());
        Assert.Single(await ObjectsOfAsync(Sha256(bytes)));

        // Deleting five keeps the bytes for the sixth; deleting it too removes them.
        await Task.WhenAll(uploads[..5].Select(u => Task.Run(async () =>
        {
            using var deleted = await alice.DeleteRawAsync($"/api/v1/files/{u.Id()}");
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        })));
        Assert.Equal(bytes, await BytesAsync(alice, uploads[5].Str("contentUrl")));
        using (var last = await alice.DeleteRawAsync($"/api/v1/files/{uploads[5].Id()}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        }

        Assert.Empty(await ObjectsOfAsync(Sha256(bytes)));
    }

    [Fact]
    public async Task A_file_over_the_limit_gets_413_and_leaves_nothing_behind()
    {
        var (alice, _, chat) = await PairAsync();
        var before = (await Server.ObjectsAsync()).Count;

        var problem = await UploadRawAsync(alice, chat, RandomBytes((int)S3FilesServer.MaxFileSize + 1)).ProblemAsync(413, "file");

        Assert.Contains(S3FilesServer.MaxFileSize.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(before, (await Server.ObjectsAsync()).Count);
        Assert.Empty(Directory.Exists(Server.UploadFolder) ? Directory.EnumerateFiles(Server.UploadFolder) : []);
        Assert.Empty((await alice.GetAsync($"/api/v1/chats/{chat}/files")).Items());
    }

    [Fact]
    public async Task A_file_of_exactly_the_limit_is_accepted()
    {
        var (alice, _, chat) = await PairAsync();

        var file = await UploadAsync(alice, chat, RandomBytes((int)S3FilesServer.MaxFileSize));

        Assert.Equal(S3FilesServer.MaxFileSize, file.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task A_huge_declared_body_is_refused_before_it_is_read()
    {
        var (alice, _, chat) = await PairAsync();
        var token = alice.Http.DefaultRequestHeaders.Authorization!.Parameter;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Server.BaseAddress.Port);
        await using var stream = tcp.GetStream();
        var request = $"POST /api/v1/chats/{chat}/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            + "Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 107374182400\r\n\r\n--xyz\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 413", statusLine, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(Server.UploadFolder) ? Directory.EnumerateFiles(Server.UploadFolder) : []);
    }

    [Fact]
    public async Task An_upload_that_is_not_multipart_or_has_no_file_is_a_400()
    {
        var (alice, _, chat) = await PairAsync();

        await alice.PostRawAsync($"/api/v1/chats/{chat}/files", new { file = "inline" }).ProblemAsync(400, "file");
        using var noFile = new MultipartFormDataContent { { new StringContent("just a field"), "comment" } };
        await alice.Http.PostAsync(new Uri($"/api/v1/chats/{chat}/files", UriKind.Relative), noFile).ProblemAsync(400, "file");
        using var badHeaders = new ByteArrayContent(Encoding.ASCII.GetBytes("--b\r\n" + new string('x', 20_000) + "\r\n\r\nbody\r\n--b--\r\n"));
        badHeaders.Headers.ContentType = MediaTypeHeaderValueParse("multipart/form-data; boundary=b");
        await alice.Http.PostAsync(new Uri($"/api/v1/chats/{chat}/files", UriKind.Relative), badHeaders).ProblemAsync(400, "file");
    }

    private static System.Net.Http.Headers.MediaTypeHeaderValue MediaTypeHeaderValueParse(string value) =>
        System.Net.Http.Headers.MediaTypeHeaderValue.Parse(value);

    [Fact]
    public async Task Non_members_can_neither_upload_nor_see_a_chats_files()
    {
        var (alice, _, chat) = await PairAsync();
        var stranger = await NewChatterAsync("stranger");
        var file = await UploadAsync(alice, chat, TestImages.Png());

        await UploadRawAsync(stranger, chat, RandomBytes(10)).ProblemAsync(404);
        await stranger.GetRawAsync($"/api/v1/chats/{chat}/files").ProblemAsync(404);
        await stranger.GetRawAsync($"/api/v1/files/{file.Id()}").ProblemAsync(404);
        await stranger.GetRawAsync($"/api/v1/files/{file.Id()}/content").ProblemAsync(404);
        await stranger.GetRawAsync($"/api/v1/files/{file.Id()}/preview").ProblemAsync(404);
        await stranger.DeleteRawAsync($"/api/v1/files/{file.Id()}").ProblemAsync(404);
        await stranger.GetRawAsync($"/api/v1/files/{Guid.NewGuid()}").ProblemAsync(404);
    }

    [Fact]
    public async Task Only_the_uploader_deletes_a_file()
    {
        var (alice, bob, chat) = await PairAsync();
        var file = await UploadAsync(alice, chat, RandomBytes(64));

        await bob.DeleteRawAsync($"/api/v1/files/{file.Id()}").ProblemAsync(403);
        Assert.Equal(file.Id(), (await bob.GetAsync($"/api/v1/files/{file.Id()}")).Id());
    }

    [Fact]
    public async Task A_chats_files_are_listed_newest_first_in_pages()
    {
        var (alice, bob, chat) = await PairAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await UploadAsync(i % 2 == 0 ? alice : bob, chat, RandomBytes(50), $"f{i}.bin")).Id());
        }

        var (outsider, _, otherChat) = await PairAsync();
        await UploadAsync(outsider, otherChat, RandomBytes(10));

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await bob.GetAsync($"/api/v1/chats/{chat}/files?limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            Assert.True(page.Items().Length <= 2);
            seen.AddRange(page.Items().Select(f => f.Id()));
            cursor = page.NextCursor();
        }
        while (cursor is not null);

        ids.Reverse();
        Assert.Equal(ids, seen);
        await bob.GetRawAsync($"/api/v1/chats/{chat}/files?cursor=garbage").ProblemAsync(400, "cursor");
        await bob.GetRawAsync($"/api/v1/chats/{chat}/files?limit=0").ProblemAsync(400, "limit");
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
