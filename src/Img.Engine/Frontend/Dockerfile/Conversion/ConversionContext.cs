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
        Lexer = new ShellLexer(escapeToken);
        BuildPlatform = buildPlatform;
        TargetPlatform = targetPlatform;
        ImplicitTarget = implicitTarget;
        ContextPlaceholder = new SourceOp(SourceKind.Local, options.ContextName) { ExcludePatterns = options.ContextExcludePatterns };
        Context = Graph.Add(ContextPlaceholder, OpMetadata.Internal($"[internal] load build context"));
    }

    public ConvertOptions Options { get; }
    public ShellLexer Lexer { get; }
    public Platform BuildPlatform { get; }
    public Platform TargetPlatform { get; }
    public bool ImplicitTarget { get; }
    public EnvList GlobalArgs { get; set; } = EnvList.Empty;
    public DispatchStates States { get; } = new();
    public BuildGraphBuilder Graph { get; } = new();

    /// <summary>The build context source as first emitted (its followed paths are filled in at the end).</summary>
    public SourceOp ContextPlaceholder { get; }
    public OpInput Context { get; }

    /// <summary>Expands one word with the stage's variables (ENV, ARG, base image env).</summary>
    public string ProcessWord(string word, IShellEnvironment env)
    {
        try
        {
            return Lexer.ProcessWord(word, env);
        }
        catch (ShellExpansionException e)
        {
            throw new InstructionException(e.Message);
        }
    }

    public IReadOnlyList<string> ProcessWords(string word, IShellEnvironment env)
    {
        try
        {
            return Lexer.ProcessWords(word, env);
        }
        catch (ShellExpansionException e)
        {
            throw new InstructionException(e.Message);
        }
    }

    public ShellExpansion ProcessWordWithMatches(string word, IShellEnvironment env)
    {
        try
        {
            return Lexer.ProcessWordWithMatches(word, env);
        }
        catch (ShellExpansionException e)
        {
            throw new InstructionException(e.Message);
        }
    }
}
