using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Frontend.Dockerfile.Shell;
using Img.Engine.Graph;
using Img.Engine.Oci;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>What every dispatcher shares during one conversion (BuildKit's <c>dispatchContext</c> + <c>dispatchOpt</c>).</summary>
internal sealed class ConversionContext
{
    public ConversionContext(ConvertOptions options, char escapeToken, Platform buildPlatform, Platform targetPlatform, bool implicitTarget)
    {
        Options = options;
        SourceDateEpoch = Conversion.SourceDateEpoch.Of(options);
        Lexer = new ShellLexer(escapeToken);
        BuildPlatform = buildPlatform;
        TargetPlatform = targetPlatform;
        ImplicitTarget = implicitTarget;
        ContextPlaceholder = new SourceOp(SourceKind.Local, options.ContextName) { ExcludePatterns = options.ContextExcludePatterns };
        Context = Graph.Add(ContextPlaceholder, OpMetadata.Internal($"[internal] load build context"));
    }

    public ConvertOptions Options { get; }
    /// <summary>SOURCE_DATE_EPOCH of the build (build arg, else <see cref="ConvertOptions.SourceDateEpoch"/>).</summary>
    public DateTimeOffset? SourceDateEpoch { get; }
    public ShellLexer Lexer { get; }
    public Platform BuildPlatform { get; }
    public Platform TargetPlatform { get; }
    public bool ImplicitTarget { get; }
    public DictionaryShellEnvironment GlobalArgs { get; set; } = DictionaryShellEnvironment.Empty;
    public DispatchStates States { get; } = new();
    public BuildGraphBuilder Graph { get; } = new();

    /// <summary>The build context source as first emitted (its followed paths are filled in at the end).</summary>
    public SourceOp ContextPlaceholder { get; }
    public OpInput Context { get; }

    /// <summary>Expands one word with the stage's variables (ENV, ARG, base image env).</summary>
    public string ProcessWord(string word, IShellEnvironment env) => Expand(() => Lexer.ProcessWord(word, env));

    public IReadOnlyList<string> ProcessWords(string word, IShellEnvironment env) => Expand(() => Lexer.ProcessWords(word, env));

    public ShellExpansion ProcessWordWithMatches(string word, IShellEnvironment env) =>
        Expand(() => Lexer.ProcessWordWithMatches(word, env));

    // Expansion failures become instruction errors, which the converter places on the line.
    internal static T Expand<T>(Func<T> expand)
    {
        try
        {
            return expand();
        }
        catch (ShellExpansionException e)
        {
            throw new InstructionException(e.Message);
        }
    }
}
