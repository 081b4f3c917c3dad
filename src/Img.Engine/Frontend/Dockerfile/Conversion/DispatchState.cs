using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Frontend.Dockerfile.Shell;
using Img.Engine.Graph;
using Img.Engine.Oci;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// The conversion state of one stage (BuildKit's <c>dispatchState</c>): where its filesystem is
/// in the graph, its env/dir/user, and the image config it builds. Also stands for an image
/// named only by <c>COPY --from</c> or <c>RUN --mount from=</c> ("unregistered").
/// </summary>
internal sealed class DispatchState
{
    public DispatchState(Stage stage, string baseName, string stageName)
    {
        Stage = stage;
        BaseName = baseName;
        StageName = stageName;
    }

    public Stage Stage { get; }
    /// <summary>The expanded (then normalised) base name.</summary>
    public string BaseName { get; set; }
    /// <summary>The name progress shows: the AS name, <c>stage-N</c>, or "" for single-stage builds.</summary>
    public string StageName { get; set; }
    public string Name => Stage.Name;
    public int Line => Stage.From.Line;

    /// <summary>The earlier stage this one is <c>FROM</c>, if any.</summary>
    public DispatchState? Base { get; set; }
    public Platform? Platform { get; set; }
    /// <summary>Progress names start with <see cref="Platform"/> (a multi-platform build).</summary>
    public bool PrefixPlatform { get; set; }
    public bool Unregistered { get; init; }
    public bool Dispatched { get; set; }
    public bool Resolved { get; set; }
    public bool OnBuildInit { get; set; }

    /// <summary>The stages this one reads, with the instruction that reads each (for cycle errors).</summary>
    public Dictionary<DispatchState, Instruction> Deps { get; } = new(ReferenceEqualityComparer.Instance);
    public List<StageCommand> Commands { get; set; } = new();

    /// <summary>The named context that replaces this stage (its name is a <c>--build-context</c> name), with its key.</summary>
    public (string Key, NamedContext Context)? Override { get; set; }

    /// <summary>The base image, resolved but not yet in the graph (see <see cref="StagePlanner"/>).</summary>
    public SourceOp? PendingBaseSource { get; set; }

    // llb.State equivalent
    public OpInput? Root { get; set; }
    public DictionaryShellEnvironment Env { get; set; } = DictionaryShellEnvironment.Empty;
    public string Dir { get; set; } = "/";
    public string User { get; set; } = "";

    public MutableImage Image { get; set; } = new();
    public List<ArgDefinition> BuildArgs { get; set; } = new();
    public HashSet<string> ContextPaths { get; } = new(StringComparer.Ordinal);

    public int CommandIndex { get; set; }
    public int CommandTotal { get; set; }
    public bool CommandIsOnBuild { get; set; }
    public bool CmdSet { get; set; }
    public bool IgnoreCache { get; set; }

    /// <summary>Inherits from the base stage (BuildKit's <c>init</c>); called again once the base is dispatched.</summary>
    public void Init()
    {
        if (Base is null)
            return;
        Root = Base.Root;
        Env = Base.Env;
        Dir = Base.Dir;
        User = Base.User;
        Platform = Base.Platform;
        Image = Base.Image.Clone();
        Image.OnBuild = null; // triggers do not carry over from a base stage
        BuildArgs = Base.BuildArgs.ToList();
    }
}
