using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Common;
using Conflict = PetitChat.Core.Common.Conflict;
using NotFound = PetitChat.Core.Common.NotFound;

namespace PetitChat.Server.Errors;

public static class FailureResults
{
    /// <summary>
    /// The one place where expected failures become problem documents. A non-member's "not
    /// found" is the same as for a chat that does not exist, so membership is not revealed.
    /// </summary>
    public static ProblemHttpResult ToProblem(this Failure failure) => failure switch
    {
        Invalid invalid => TypedResults.Problem(new HttpValidationProblemDetails(
            new Dictionary<string, string[]> { [invalid.Field] = [invalid.Detail] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid.",
            Detail = invalid.Detail,
        }),
        TooLarge tooLarge => TypedResults.Problem(new HttpValidationProblemDetails(
            new Dictionary<string, string[]> { [tooLarge.Field] = [tooLarge.Detail] })
        {
            Status = StatusCodes.Status413PayloadTooLarge,
            Title = "The request is too large.",
            Detail = tooLarge.Detail,
        }),
        NotFound => TypedResults.Problem(failure.Detail, statusCode: StatusCodes.Status404NotFound, title: "Not found."),
        Conflict => TypedResults.Problem(failure.Detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict."),
        Forbidden => TypedResults.Problem(failure.Detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden."),
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure.GetType().Name, "Unknown failure."),
    };
}
