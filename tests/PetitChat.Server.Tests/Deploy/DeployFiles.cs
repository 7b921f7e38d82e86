using YamlDotNet.RepresentationModel;

namespace PetitChat.Server.Tests.Deploy;

/// <summary>Reads deploy/: YAML documents (with compose's merge keys applied), env files and Dockerfiles.</summary>
internal static class DeployFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, "deploy", .. parts]);

    public static List<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(file);
        stream.Load(reader);
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    /// <summary>A mapping's entries with a <c>&lt;&lt;</c> merge key's entries under them (YAML merge, as compose applies it).</summary>
    public static Dictionary<string, YamlNode> Merged(YamlMappingNode node)
    {
        var merged = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (node.Children.TryGetValue(new YamlScalarNode("<<"), out var parent) && parent is YamlMappingNode parentMap)
        {
            foreach (var (key, value) in Merged(parentMap))
            {
                merged[key] = value;
            }
        }

        foreach (var (key, value) in node.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && name != "<<")
            {
                merged[name] = value;
            }
        }

        return merged;
    }

    public static YamlNode? Get(YamlNode? node, params string[] path)
    {
        foreach (var step in path)
        {
            if (node is not YamlMappingNode map || !Merged(map).TryGetValue(step, out node))
            {
                return null;
            }
        }

        return node;
    }

    public static IEnumerable<string> Scalars(YamlNode? node) => node switch
    {
        YamlScalarNode { Value: { } value } => [value],
        YamlSequenceNode sequence => sequence.Children.SelectMany(Scalars),
        _ => [],
    };

    /// <summary>KEY=VALUE lines of an env file, without comments and blank lines.</summary>
    public static IEnumerable<KeyValuePair<string, string>> EnvFile(string file) =>
        File.ReadLines(file)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .Select(p => KeyValuePair.Create(p[0], p.Length > 1 ? p[1] : ""));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PetitChat.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PetitChat.slnx was not found above " + AppContext.BaseDirectory);
    }
}
