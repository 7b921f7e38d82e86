namespace PetitChat.Testing;

/// <summary>Where the npm stand-ins live (tests/standins), found from the test's own folder upwards.</summary>
public static class Standins
{
    public const string InstallHint = "Install the stand-ins with `npm ci` in tests/standins (./scripts/test.sh does it).";

    public static string Folder { get; } = Find();

    /// <summary>The path of an npm binary of the stand-ins, such as <c>dynalite</c> or <c>s3rver</c>.</summary>
    public static string Bin(string name) => Path.Combine(Folder, "node_modules", ".bin", name);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "standins");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/standins was not found above " + AppContext.BaseDirectory);
    }
}
