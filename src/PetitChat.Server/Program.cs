using PetitChat.Infrastructure;
using PetitChat.Server.Identity;

var builder = WebApplication.CreateBuilder(args);

builder.AddPetitChatInfrastructure();
builder.AddPetitChatIdentity();
builder.Services.AddProblemDetails();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapPetitChatIdentity();

// Temporary: echoes the caller's claims until the users feature lands.
app.MapGet("/api/v1/me", (System.Security.Claims.ClaimsPrincipal user) =>
        TypedResults.Ok(user.Claims.Select(c => new { c.Type, c.Value })))
    .RequireAuthorization();

app.Run();

/// <summary>Entry point, public so that tests can host the server with WebApplicationFactory.</summary>
public partial class Program;
