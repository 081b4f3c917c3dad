using Img.Engine.Oci;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// The image config a stage is building, mutable while its instructions are dispatched
/// (BuildKit mutates a <c>DockerOCIImage</c> the same way). <see cref="ToImageConfig"/> freezes
/// it into the shared Oci model with maps sorted.
/// </summary>
internal sealed class MutableImage
{
    public const string DefaultPathEnv = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    public const string HistoryComment = "buildkit.dockerfile.v0";

    public string Architecture { get; set; } = "";
    public string Os { get; set; } = "";
    public string? OsVersion { get; set; }
    public string? Variant { get; set; }
    public string? Author { get; set; }
    public List<string> DiffIds { get; set; } = new();
    public List<HistoryEntry> History { get; set; } = new();

    public string? User { get; set; }
    public Dictionary<string, EmptyObject>? ExposedPorts { get; set; }
    public List<string>? Env { get; set; }
    public List<string>? Entrypoint { get; set; }
    public List<string>? Cmd { get; set; }
    public Dictionary<string, EmptyObject>? Volumes { get; set; }
    public string? WorkingDir { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    public string? StopSignal { get; set; }
    public bool ArgsEscaped { get; set; }
    public HealthConfig? Healthcheck { get; set; }
    public List<string>? OnBuild { get; set; }
    public List<string>? Shell { get; set; }

    public Platform Platform => new() { Os = Os, Architecture = Architecture, Variant = Variant, OsVersion = OsVersion };

    /// <summary>BuildKit's <c>emptyImage</c>: scratch's config, WORKDIR / and the default PATH.</summary>
    public static MutableImage Empty(Platform platform) => new()
    {
        Architecture = platform.Architecture,
        Os = platform.Os,
        OsVersion = platform.OsVersion,
        Variant = platform.Variant,
        WorkingDir = "/",
        Env = platform.Os == "windows" ? null : ["PATH=" + DefaultPathEnv],
    };

    public static MutableImage From(ImageConfig config)
    {
        var c = config.Config;
        return new MutableImage
        {
            Architecture = config.Architecture,
            Os = config.Os,
            OsVersion = config.OsVersion,
            Variant = config.Variant,
            Author = config.Author,
            DiffIds = config.RootFs.DiffIds.ToList(),
            History = config.History?.ToList() ?? new(),
            User = c.User,
            ExposedPorts = c.ExposedPorts?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            Env = c.Env?.ToList(),
            Entrypoint = c.Entrypoint?.ToList(),
            Cmd = c.Cmd?.ToList(),
            Volumes = c.Volumes?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            WorkingDir = c.WorkingDir,
            Labels = c.Labels?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            StopSignal = c.StopSignal,
            ArgsEscaped = c.ArgsEscaped,
            Healthcheck = c.Healthcheck,
            OnBuild = c.OnBuild?.ToList(),
            Shell = c.Shell?.ToList(),
        };
    }

    public MutableImage Clone()
    {
        var copy = From(ToImageConfig());
        copy.History = History.ToList();
        return copy;
    }

    public void AddEnv(string key, string value)
    {
        Env ??= new List<string>();
        for (var i = 0; i < Env.Count; i++)
        {
            var eq = Env[i].IndexOf('=');
            var k = eq < 0 ? Env[i] : Env[i][..eq];
            if (k == key)
            {
                Env[i] = key + "=" + value;
                return;
            }
        }
        Env.Add(key + "=" + value);
    }

    public void AddHistory(string createdBy, bool withLayer, bool fromBuildKitOp)
    {
        History.Add(new HistoryEntry
        {
            CreatedBy = fromBuildKitOp ? createdBy + " # buildkit" : createdBy,
            Comment = HistoryComment,
            EmptyLayer = !withLayer,
        });
    }

    public ImageConfig ToImageConfig() => new()
    {
        Architecture = Architecture,
        Os = Os,
        OsVersion = OsVersion,
        Variant = Variant,
        Author = Author,
        RootFs = new RootFs { DiffIds = DiffIds.ToArray() },
        History = History.Count == 0 ? null : History.ToArray(),
        Config = new ContainerConfig
        {
            User = User,
            ExposedPorts = ExposedPorts is null ? null : new SortedDictionary<string, EmptyObject>(ExposedPorts, StringComparer.Ordinal),
            Env = Env?.ToArray(),
            Entrypoint = Entrypoint?.ToArray(),
            Cmd = Cmd?.ToArray(),
            Volumes = Volumes is null ? null : new SortedDictionary<string, EmptyObject>(Volumes, StringComparer.Ordinal),
            WorkingDir = WorkingDir,
            Labels = Labels is null ? null : new SortedDictionary<string, string>(Labels, StringComparer.Ordinal),
            StopSignal = StopSignal,
            ArgsEscaped = ArgsEscaped,
            Healthcheck = Healthcheck,
            OnBuild = OnBuild?.ToArray(),
            Shell = Shell?.ToArray(),
        },
    };
}
