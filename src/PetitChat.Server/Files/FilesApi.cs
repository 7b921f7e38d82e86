using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using PetitChat.Core.Common;
using PetitChat.Core.Files;
using PetitChat.Core.Paging;
using PetitChat.Server.Errors;
using PetitChat.Server.Limits;
using PetitChat.Server.Users;

namespace PetitChat.Server.Files;

public static class FilesApi
{
    public static RouteGroupBuilder MapFiles(this RouteGroupBuilder api)
    {
        var chatFiles = api.MapGroup("/chats/{chatId:guid}/files");

        // Membership first, so a non-member's upload is refused before a byte of it is read.
        chatFiles.MapPost("/", async Task<Results<Created<FileDto>, ProblemHttpResult>> (
            Guid chatId, HttpRequest request, Caller caller, FileService files, UploadStaging staging, UploadBudget budget, ChatLimits limits,
            CancellationToken ct) =>
        {
            if (await files.CheckCanUploadAsync(caller.Id, chatId, ct) is { } refused)
            {
                return refused.ToProblem();
            }

            if (budget.Charge(request.HttpContext.Response, caller.Id, request.ContentLength, limits.MaxFileSize) is { } tooMuch)
            {
                return tooMuch;
            }

            var staged = await staging.StageAsync(request, ct);
            if (!staged.Succeeded)
            {
                return staged.Failure.ToProblem();
            }

            try
            {
                var added = await files.AddAsync(caller.Id, chatId, staged.Value, ct);
                return added.Succeeded
                    ? TypedResults.Created($"/api/v1/files/{added.Value.Id}", FileDto.From(added.Value))
                    : added.Failure.ToProblem();
            }
            finally
            {
                UploadStaging.Discard(staged.Value);
            }
        }).DisableAntiforgery().RequireRateLimiting(RateLimitPolicies.Uploads).WithRequestTimeout(LimitsExtensions.TransferTimeoutPolicy);

        chatFiles.MapGet("/", async Task<Results<Ok<Page<FileDto>>, ProblemHttpResult>> (
            Guid chatId, int? limit, string? cursor, Caller caller, FileService files, CancellationToken ct) =>
        {
            var page = await files.ListAsync(caller.Id, chatId, limit, cursor, ct);
            return page.Succeeded
                ? TypedResults.Ok(new Page<FileDto>([.. page.Value.Items.Select(FileDto.From)], page.Value.NextCursor))
                : page.Failure.ToProblem();
        });

        var file = api.MapGroup("/files/{fileId:guid}");

        file.MapGet("/", async Task<Results<Ok<FileDto>, ProblemHttpResult>> (
            Guid fileId, Caller caller, FileService files, CancellationToken ct) =>
        {
            var found = await files.GetAsync(caller.Id, fileId, ct);
            return found.Succeeded ? TypedResults.Ok(FileDto.From(found.Value)) : found.Failure.ToProblem();
        });

        file.MapDelete("/", async Task<Results<NoContent, ProblemHttpResult>> (
            Guid fileId, Caller caller, FileService files, CancellationToken ct) =>
            await files.DeleteAsync(caller.Id, fileId, ct) is { } failure ? failure.ToProblem() : TypedResults.NoContent());

        file.MapGet("/content", async Task<Results<BlobStreamResult, RedirectHttpResult, ProblemHttpResult>> (
            Guid fileId, HttpRequest request, HttpResponse response, Caller caller, FileService files, CancellationToken ct) =>
        {
            var found = await files.GetAsync(caller.Id, fileId, ct);
            if (!found.Succeeded)
            {
                return found.Failure.ToProblem();
            }

            var stored = found.Value;
            // Images are shown in the page; anything else is saved, never rendered on our origin.
            var disposition = Disposition(stored.Blob.IsImage ? "inline" : "attachment", stored.Name);
            if (await files.GetDownloadUrlAsync(stored, disposition, ct) is { } direct)
            {
                return TypedResults.Redirect(direct.AbsoluteUri);
            }

            var etag = $"\"{stored.BlobKey}\"";
            var range = ByteRanges.Of(request, stored.Blob.Size, etag);
            if (range is { Satisfiable: false })
            {
                response.Headers.ContentRange = ByteRanges.Unsatisfiable(stored.Blob.Size);
                return TypedResults.Problem("The range starts past the end of the file.", statusCode: StatusCodes.Status416RangeNotSatisfiable,
                    title: "Range not satisfiable.");
            }

            var blob = range is { } r
                ? await files.OpenContentAsync(stored, r.Start, r.End - r.Start + 1, ct)
                : await files.OpenContentAsync(stored, 0, null, ct);
            return blob is null
                ? MissingBytes()
                : new BlobStreamResult(blob, stored.Blob.ContentType, disposition, etag, range is { } s ? (s.Start, s.End) : null);
        }).WithRequestTimeout(LimitsExtensions.TransferTimeoutPolicy);

        file.MapGet("/preview", (Guid fileId, Caller caller, FileService files, CancellationToken ct) =>
            PreviewAsync(fileId, thumbnail: false, caller, files, ct));
        file.MapGet("/thumbnail", (Guid fileId, Caller caller, FileService files, CancellationToken ct) =>
            PreviewAsync(fileId, thumbnail: true, caller, files, ct));

        api.MapGet("/me/settings", async (Caller caller, FileService files, CancellationToken ct) =>
            TypedResults.Ok(ImageSettingsDto.From(await files.GetSettingsAsync(caller.Id, ct))));

        api.MapPut("/me/settings", async Task<Results<Ok<ImageSettingsDto>, ProblemHttpResult>> (
            ImageSettingsDto request, Caller caller, FileService files, CancellationToken ct) =>
        {
            if (request.AutoLoadImages is not { } autoLoad)
            {
                return new PetitChat.Core.Common.Invalid("autoLoadImages", "autoLoadImages is required (true or false).").ToProblem();
            }

            if (request.LowQualityImages is not { } lowQuality)
            {
                return new PetitChat.Core.Common.Invalid("lowQualityImages", "lowQualityImages is required (true or false).").ToProblem();
            }

            var settings = new ImageSettings(autoLoad, lowQuality);
            await files.PutSettingsAsync(caller.Id, settings, ct);
            return TypedResults.Ok(ImageSettingsDto.From(settings));
        });

        return api;
    }

    private static async Task<Results<BlobStreamResult, ProblemHttpResult>> PreviewAsync(
        Guid fileId, bool thumbnail, Caller caller, FileService files, CancellationToken ct)
    {
        var found = await files.GetAsync(caller.Id, fileId, ct);
        if (!found.Succeeded)
        {
            return found.Failure.ToProblem();
        }

        var stored = found.Value;
        if (!stored.Blob.HasPreview)
        {
            return TypedResults.Problem("This file is not an image, so it has no preview.", statusCode: StatusCodes.Status404NotFound,
                title: "Not found.");
        }

        var blob = await files.OpenPreviewAsync(stored, thumbnail, ct);
        var name = Path.GetFileNameWithoutExtension(stored.Name) + (thumbnail ? ".thumbnail.webp" : ".preview.webp");
        var etag = $"\"{stored.BlobKey}{(thumbnail ? "-t" : "-p")}\"";
        return blob is null ? MissingBytes() : new BlobStreamResult(blob, "image/webp", Disposition("inline", name), etag, null);
    }

    /// <summary>A Content-Disposition with an ASCII fallback name and the exact name as RFC 5987 <c>filename*</c>.</summary>
    private static string Disposition(string type, string name)
    {
        var header = new ContentDispositionHeaderValue(type);
        header.SetHttpFileName(name);
        return header.ToString();
    }

    private static ProblemHttpResult MissingBytes() =>
        TypedResults.Problem("The file's bytes are missing from the blob store.", statusCode: StatusCodes.Status502BadGateway,
            title: "Blob store inconsistency.");
}
