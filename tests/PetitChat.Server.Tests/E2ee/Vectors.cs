using System.Text.Json;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.E2ee;

/// <summary>tests/vectors/e2ee.json, found from the test's folder upwards.</summary>
public static class Vectors
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, "tests", "vectors", "e2ee.json");
            if (File.Exists(path))
            {
                return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
            }
        }

        throw new FileNotFoundException("tests/vectors/e2ee.json not found above " + AppContext.BaseDirectory);
    });

    public static JsonElement Get => Root.Value;

    public static T Read<T>(this JsonElement element, string name) => element.GetProperty(name).Deserialize<T>(JsonSerializerOptions.Web)!;
}
