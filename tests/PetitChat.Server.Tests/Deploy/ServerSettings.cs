using System.Collections;
using System.Reflection;
using PetitChat.Core.Common;
using PetitChat.Core.Search;
using PetitChat.Infrastructure;
using PetitChat.Infrastructure.InProcess;
using PetitChat.Infrastructure.Keycloak;
using PetitChat.Server.Events;
using PetitChat.Server.Identity;
using PetitChat.Server.Web;

namespace PetitChat.Server.Tests.Deploy;

/// <summary>
/// The configuration keys the server and the notifier understand, read from their own option
/// types: every type with a <c>Section</c> constant, the few bound under a literal section, and the
/// adapter selectors read straight from configuration (<c>Store:Kind</c>...). A deployment file's
/// setting is known when a section is a prefix of its key and the rest walks the type's properties.
/// </summary>
internal static class ServerSettings
{
    /// <summary>Keys read directly by <c>Configuration["..."]</c> in the hosts (InfrastructureExtensions and the like).</summary>
    private static readonly HashSet<string> Selectors = new(StringComparer.OrdinalIgnoreCase)
    {
        "Store:Kind", "Bus:Kind", "Blobs:Kind", "Search:Kind", "Notifications:Kind",
    };

    /// <summary>What ASP.NET Core, .NET and OpenTelemetry read themselves: not ours to check.</summary>
    private static readonly string[] FrameworkPrefixes = ["ASPNETCORE_", "DOTNET_", "OTEL_", "Logging:", "Kestrel:", "AllowedHosts"];

    private static readonly Dictionary<string, Type> Sections = Build();

    /// <summary>Null when <paramref name="key"/> (with <c>__</c> or <c>:</c>) is an option the hosts read, else why not.</summary>
    public static string? Check(string key)
    {
        var path = key.Replace("__", ":", StringComparison.Ordinal);
        if (FrameworkPrefixes.Any(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || Selectors.Contains(path))
        {
            return null;
        }

        var section = Sections.Keys.Where(s => path.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(s => s.Length).FirstOrDefault();
        if (section is null)
        {
            return $"{key}: no options section of the server or notifier starts it";
        }

        var type = Sections[section];
        foreach (var segment in path[(section.Length + 1)..].Split(':'))
        {
            if (int.TryParse(segment, out _) && ElementOf(type) is { } element)
            {
                type = element;
                continue;
            }

            var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return $"{key}: {type.Name} has no property {segment}";
            }

            type = property.PropertyType;
        }

        return null;
    }

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType ? type.GetGenericArguments()[0]
        : null;

    private static Dictionary<string, Type> Build()
    {
        var sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
        {
            ["Identity"] = typeof(IdentityOptions),
            ["Identity:Directory"] = typeof(KeycloakDirectoryOptions),
            ["Bus:InProcess"] = typeof(InProcessBusOptions),
            ["Search:Indexing"] = typeof(SearchIndexerOptions),
            ["Events"] = typeof(EventStreamOptions),
            ["Web"] = typeof(WebClientOptions),
            ["Limits"] = typeof(ChatLimits),
        };
        Assembly[] assemblies = [typeof(Program).Assembly, typeof(InfrastructureExtensions).Assembly, typeof(ChatLimits).Assembly];
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.GetValue(null) is string section)
            {
                sections[section] = type;
            }
        }

        return sections;
    }
}
