using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using static PetitChat.Server.Tests.Deploy.DeployFiles;

namespace PetitChat.Server.Tests.Deploy;

/// <summary>
/// Nothing here can run containers, so deploy/compose, deploy/k8s and deploy/docker are checked
/// by reading them: every setting they pass to the server and notifier is one of their options,
/// every image is pinned, and the ports that services, URLs and health checks name agree.
/// </summary>
public sealed partial class DeployFilesTests
{
    private static readonly string[] Probes = ["livenessProbe", "readinessProbe"];

    private static readonly YamlMappingNode Compose = Documents(PathOf("compose", "compose.yaml"))[0];

    private static readonly List<YamlMappingNode> Kubernetes =
        [.. Directory.GetFiles(PathOf("k8s"), "*.yaml").Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal)).SelectMany(Documents)];

    [Fact]
    public void A_misspelt_setting_is_caught_by_the_check()
    {
        Assert.Null(ServerSettings.Check("Store__Scylla__Endpoints__0"));
        Assert.Null(ServerSettings.Check("Bus__Nats__Replicas"));
        Assert.NotNull(ServerSettings.Check("Store__Scylla__Endpointz__0"));
        Assert.NotNull(ServerSettings.Check("Buss__Nats__Url"));
    }

    [Fact]
    public void Every_setting_compose_passes_to_servers_and_notifiers_is_one_of_their_options()
    {
        var services = PetitChatServices().ToList();
        var unknown = services.SelectMany(s => ComposeEnvironment(s.Value).Keys).Select(ServerSettings.Check).OfType<string>().Distinct().ToList();

        Assert.Equal(5, services.Count);
        Assert.Empty(unknown);
    }

    [Fact]
    public void Every_setting_the_Kubernetes_manifests_pass_to_servers_and_notifiers_is_one_of_their_options()
    {
        var keys = EnvFile(PathOf("k8s", "petitchat.env")).Concat(EnvFile(PathOf("k8s", "server.env"))).Select(p => p.Key)
            .Concat(Containers().Where(c => Image(c).StartsWith("petitchat/server", StringComparison.Ordinal) || Image(c).StartsWith("petitchat/notifier", StringComparison.Ordinal))
                .SelectMany(c => (Get(c, "env") as YamlSequenceNode)?.Children ?? []).SelectMany(e => Scalars(Get(e, "name"))));

        Assert.Empty(keys.Select(ServerSettings.Check).OfType<string>());
    }

    [Fact]
    public void Images_are_pinned_to_a_version()
    {
        var compose = Services().Where(s => Get(s.Value, "build") is null).Select(s => Scalars(Get(s.Value, "image")).Single());
        var kubernetes = Containers().Select(Image);
        var dockerfiles = Directory.GetFiles(PathOf("docker"), "*.Dockerfile").SelectMany(File.ReadLines)
            .Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]);
        var images = compose.Concat(kubernetes).Concat(dockerfiles).ToList();

        Assert.NotEmpty(images);
        Assert.All(images, image => Assert.Matches(PinnedImage(), image));
    }

    [Fact]
    public void Compose_URLs_and_health_checks_name_ports_their_services_expose()
    {
        var exposed = Services().ToDictionary(s => s.Key, s => Scalars(Get(s.Value, "expose")).ToHashSet());
        foreach (var alias in Services().SelectMany(s => Scalars(Get(s.Value, "networks", "default", "aliases")).Select(a => (a, s.Key))))
        {
            exposed[alias.a] = exposed[alias.Key];
        }

        var problems = new List<string>();
        foreach (var (name, service) in Services())
        {
            foreach (var (key, value) in ComposeEnvironment(service))
            {
                foreach (Match url in Url().Matches(value))
                {
                    var (host, port) = (url.Groups["host"].Value, url.Groups["port"].Value);
                    if (!exposed.TryGetValue(host, out var ports) || !ports.Contains(port))
                    {
                        problems.Add($"{name}: {key} names {host}:{port}, which no service exposes");
                    }
                }
            }

            foreach (var port in HealthPorts(string.Join(' ', Scalars(Get(service, "healthcheck", "test")))))
            {
                if (!exposed[name].Contains(port))
                {
                    problems.Add($"{name}: its health check asks port {port}, which it does not expose");
                }
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void Gateway_settings_name_clusters_of_its_routes_and_every_server_node()
    {
        using var appsettings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "src", "PetitChat.Gateway", "appsettings.json")));
        var clusters = appsettings.RootElement.GetProperty("ReverseProxy").GetProperty("Clusters").EnumerateObject().Select(c => c.Name).ToHashSet();
        var routed = appsettings.RootElement.GetProperty("ReverseProxy").GetProperty("Routes").EnumerateObject()
            .Select(r => r.Value.GetProperty("ClusterId").GetString()!).ToHashSet();
        var gateway = ComposeEnvironment(Services().Single(s => s.Key == "gateway").Value);
        var named = gateway.Keys.Select(k => k.Split("__")).Where(p => p[0] == "ReverseProxy").Select(p => p[2]).ToHashSet();
        var servers = gateway.Where(p => p.Key.StartsWith("ReverseProxy__Clusters__servers__", StringComparison.Ordinal)).Select(p => p.Value).ToHashSet();

        Assert.Subset(clusters, named);
        Assert.Equal(clusters.Order(), routed.Order());
        Assert.Equal(PetitChatServices().Where(s => s.Key.StartsWith("server", StringComparison.Ordinal)).Select(s => $"http://{s.Key}:8080/").ToHashSet(), servers);
    }

    [Fact]
    public void Kubernetes_probes_and_URLs_name_ports_their_containers_and_services_have()
    {
        var servicePorts = Kubernetes.Where(d => Kind(d) == "Service")
            .ToDictionary(d => Scalars(Get(d, "metadata", "name")).Single(), d => ((YamlSequenceNode)Get(d, "spec", "ports")!).Children.SelectMany(p => Scalars(Get(p, "port"))).ToHashSet());
        var problems = new List<string>();
        foreach (var container in Containers())
        {
            var ports = ((Get(container, "ports") as YamlSequenceNode)?.Children ?? []).SelectMany(p => Scalars(Get(p, "containerPort"))).ToHashSet();
            foreach (var probe in Probes.Select(p => Get(container, p, "httpGet", "port")).OfType<YamlScalarNode>())
            {
                if (!ports.Contains(probe.Value!))
                {
                    problems.Add($"{Image(container)}: a probe asks port {probe.Value}, which the container does not declare");
                }
            }
        }

        var values = EnvFile(PathOf("k8s", "petitchat.env")).Concat(EnvFile(PathOf("k8s", "server.env"))).Select(p => p.Value)
            .Concat(Containers().SelectMany(c => (Get(c, "env") as YamlSequenceNode)?.Children ?? []).SelectMany(e => Scalars(Get(e, "value"))));
        foreach (var value in values)
        {
            foreach (Match url in Url().Matches(value))
            {
                // server-0.server is pod 0 of the headless service "server".
                var host = url.Groups["host"].Value.Split('.')[^1];
                if (!servicePorts.TryGetValue(host, out var ports) || !ports.Contains(url.Groups["port"].Value))
                {
                    problems.Add($"{url.Value} names a port that no service {host} has");
                }
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void Dockerfiles_run_as_non_root_and_check_health_on_the_port_they_expose()
    {
        foreach (var file in Directory.GetFiles(PathOf("docker"), "*.Dockerfile"))
        {
            var lines = File.ReadAllLines(file);
            var runtime = lines.SkipWhile(l => !(l.StartsWith("FROM ", StringComparison.Ordinal) && l.Contains("AS runtime", StringComparison.Ordinal))).ToList();
            var exposed = runtime.Single(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal)).Split(' ')[1];

            Assert.Equal(2, lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
            Assert.Contains("USER $APP_UID", runtime);
            Assert.Contains($"ENV ASPNETCORE_HTTP_PORTS={exposed}", runtime);
            Assert.Equal([exposed], HealthPorts(string.Join('\n', runtime.SkipWhile(l => !l.StartsWith("HEALTHCHECK", StringComparison.Ordinal)).Take(2))));
        }
    }

    [Fact]
    public void NATS_in_compose_and_Kubernetes_fsyncs_every_write_and_streams_keep_3_replicas()
    {
        foreach (var conf in new[] { PathOf("compose", "nats.conf"), PathOf("k8s", "nats.conf") })
        {
            Assert.Contains("sync_interval: always", File.ReadAllText(conf), StringComparison.Ordinal);
        }

        foreach (var env in new[] { PathOf("compose", "server.env"), PathOf("k8s", "server.env"), PathOf("compose", "petitchat.env"), PathOf("k8s", "petitchat.env") })
        {
            Assert.All(EnvFile(env).Where(p => p.Key.EndsWith("__Replicas", StringComparison.Ordinal)), p => Assert.Equal("3", p.Value));
        }
    }

    private static Dictionary<string, YamlNode> Services() => Merged((YamlMappingNode)Get(Compose, "services")!);

    private static IEnumerable<KeyValuePair<string, YamlNode>> PetitChatServices() =>
        Services().Where(s => Scalars(Get(s.Value, "build", "dockerfile")).Any(d => d.EndsWith("server.Dockerfile", StringComparison.Ordinal) || d.EndsWith("notifier.Dockerfile", StringComparison.Ordinal)));

    /// <summary>A compose service's environment: its env files, then its own entries.</summary>
    private static Dictionary<string, string> ComposeEnvironment(YamlNode service)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Scalars(Get(service, "env_file")))
        {
            foreach (var (key, value) in EnvFile(PathOf("compose", file)))
            {
                environment[key] = value;
            }
        }

        if (Get(service, "environment") is YamlMappingNode own)
        {
            foreach (var (key, value) in Merged(own))
            {
                environment[key] = Scalars(value).FirstOrDefault() ?? "";
            }
        }

        return environment;
    }

    private static IEnumerable<YamlNode> Containers() =>
        Kubernetes.Select(d => Get(d, "spec", "template", "spec", "containers")).OfType<YamlSequenceNode>().SelectMany(s => s.Children);

    private static string Image(YamlNode container) => Scalars(Get(container, "image")).Single();

    private static string Kind(YamlNode document) => Scalars(Get(document, "kind")).Single();

    private static List<string> HealthPorts(string test) =>
        [.. HealthPort().Matches(test).Select(m => m.Groups["port"].Value)];

    [GeneratedRegex(@"^[\w.\-/]+:[\w.\-]*\d[\w.\-]*$|@sha256:[0-9a-f]{64}$")]
    private static partial Regex PinnedImage();

    [GeneratedRegex(@"(?:https?|nats|jdbc:postgresql)://(?<host>[a-z][\w.\-]*):(?<port>\d+)")]
    private static partial Regex Url();

    [GeneratedRegex(@"(?:/dev/tcp/127\.0\.0\.1/|//127\.0\.0\.1:)(?<port>\d+)")]
    private static partial Regex HealthPort();
}
