using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace PetitChat.Server.Identity;

/// <summary>The embedded issuer's sign-in form: any username, the development password.</summary>
internal static class LoginPage
{
    /// <summary>The form, with an anti-forgery token (a cookie and a hidden field) so that another site cannot post it (login CSRF).</summary>
    public static IResult Render(HttpContext http, string? returnUrl, string? error, string? username = null)
    {
        var html = HtmlEncoder.Default;
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        var message = error is null ? "" : $"""<p class="error" role="alert">{html.Encode(error)}</p>""";
        var page = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Sign in · Petit chat</title>
              <style>
                body { font: 16px/1.4 system-ui, sans-serif; background: #f3f4f8; margin: 0; display: grid; place-items: center; min-height: 100vh; }
                form { background: #fff; padding: 2rem; border-radius: 12px; box-shadow: 0 2px 12px #0002; width: min(22rem, 90vw); display: grid; gap: .9rem; }
                h1 { margin: 0; font-size: 1.4rem; }
                label { display: grid; gap: .3rem; font-size: .9rem; color: #444; }
                input { font: inherit; padding: .6rem .7rem; border: 1px solid #ccd; border-radius: 8px; }
                button { font: inherit; padding: .7rem; border: 0; border-radius: 8px; background: #4f46e5; color: #fff; cursor: pointer; }
                .hint { font-size: .8rem; color: #667; margin: 0; }
                .error { color: #b91c1c; margin: 0; }
              </style>
            </head>
            <body>
              <form method="post" action="{{EmbeddedIssuer.LoginPath}}">
                <h1>Petit chat</h1>
                <p class="hint">Development sign-in: any username, the password set in Identity:CliPassword.</p>
                {{message}}
                <label>Username <input name="username" autocomplete="username" required maxlength="64" autofocus value="{{html.Encode(username ?? "")}}"></label>
                <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
                <input type="hidden" name="returnUrl" value="{{html.Encode(returnUrl ?? "/")}}">
                <input type="hidden" name="{{html.Encode(antiforgery.FormFieldName)}}" value="{{html.Encode(antiforgery.RequestToken ?? "")}}">
                <button type="submit">Sign in</button>
              </form>
            </body>
            </html>
            """;
        return Results.Content(page, "text/html; charset=utf-8", statusCode: error is null ? 200 : 401);
    }
}
