using System.Diagnostics;
using System.Globalization;
using System.Xml;
using PetitChat.Server.Tests.Deploy;
using YamlDotNet.RepresentationModel;

namespace PetitChat.Server.Tests.Peers;

/// <summary>
/// bench/peers/ejabberd.sh generates an ejabberd config and a tsung scenario. No test runs
/// ejabberd (CI time); these check that what the script writes is well-formed and says what the
/// benchmark claims: the user cap on tsung's random arrivals, stamped group messages at the
/// asked rate, rooms of the asked size, and the archive only when asked.
/// </summary>
public sealed class PeerScenarioTests : IDisposable
{
    private readonly List<string> _folders = [];

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Tsung_scenario_is_well_formed_caps_arrivals_and_sends_stamped_group_messages_at_the_rate()
    {
        var folder = await WriteConfigAsync("--users", "40", "--room", "10", "--rate", "20", "--seconds", "10");

        var scenario = new XmlDocument();
        using (var reader = XmlReader.Create(Path.Combine(folder, "tsung.xml"), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore }))
        {
            scenario.Load(reader);
        }

        Assert.Equal("fullstats", scenario.SelectSingleNode("/tsung/@backend")?.Value);
        Assert.Equal("40", scenario.SelectSingleNode("/tsung/load/arrivalphase/users/@maxnumber")?.Value);
        Assert.Equal("40", scenario.SelectSingleNode("/tsung/options/option[@name='global_number']/@value")?.Value);
        var chat = scenario.SelectSingleNode("//jabber[@type='muc:chat']");
        Assert.Equal("true", chat?.Attributes?["stamped"]?.Value);
        // 40 users at 20 messages/s in total: each sends every 2 s, 5 times over 10 s.
        Assert.Equal("5", scenario.SelectSingleNode("//for/@to")?.Value);
        Assert.Equal(2.0, double.Parse(scenario.SelectSingleNode("//for/thinktime/@value")?.Value ?? "", CultureInfo.InvariantCulture));

        var rooms = File.ReadAllLines(Path.Combine(folder, "rooms.csv")).Select(line => line.Split(';')).ToList();
        Assert.Equal(40, rooms.Count);
        Assert.All(rooms.GroupBy(r => r[0]), room => Assert.Equal(10, room.Count()));
        Assert.All(rooms, r => Assert.InRange(double.Parse(r[2], CultureInfo.InvariantCulture), 0.0, 1.999));
    }

    [Fact]
    public async Task Ejabberd_config_is_well_formed_and_archives_group_messages_only_when_asked()
    {
        var withArchive = Config(await WriteConfigAsync("--users", "20"));
        var withoutArchive = Config(await WriteConfigAsync("--users", "20", "--no-mam"));

        Assert.Equal("127.0.0.1", DeployFiles.Scalars(DeployFiles.Get(FirstListener(withArchive), "ip")).Single());
        Assert.NotNull(DeployFiles.Get(withArchive, "modules", "mod_mam"));
        Assert.Equal("true", DeployFiles.Scalars(DeployFiles.Get(withArchive, "modules", "mod_muc", "default_room_options", "mam")).Single());
        Assert.Null(DeployFiles.Get(withoutArchive, "modules", "mod_mam"));
        Assert.Equal("false", DeployFiles.Scalars(DeployFiles.Get(withoutArchive, "modules", "mod_muc", "default_room_options", "mam")).Single());

        static YamlMappingNode Config(string folder) => DeployFiles.Documents(Path.Combine(folder, "ejabberd.yml")).Single();
        static YamlNode FirstListener(YamlMappingNode config) => ((YamlSequenceNode)DeployFiles.Get(config, "listen")!).Children[0];
    }

    private async Task<string> WriteConfigAsync(params string[] options)
    {
        var folder = Directory.CreateTempSubdirectory("petitchat-peer-config-").FullName;
        _folders.Add(folder);
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(DeployFiles.Root, "bench", "peers", "ejabberd.sh"));
        foreach (var option in options)
        {
            start.ArgumentList.Add(option);
        }

        start.ArgumentList.Add("--write-config");
        start.ArgumentList.Add(folder);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await errors);
        return folder;
    }
}
