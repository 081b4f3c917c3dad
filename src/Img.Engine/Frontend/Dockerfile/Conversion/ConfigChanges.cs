using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Frontend.Dockerfile.Parsing;
using Img.Engine.Frontend.Dockerfile.Shell;
using Img.Engine.Oci;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// Applies Dockerfile instructions given as <c>--change</c> (<c>img import -c 'CMD ["/bin/sh"]'</c>)
/// to a container config, as docker does: each change is parsed into a typed instruction and
/// dispatched by <see cref="ConfigDispatcher"/> (WORKDIR by <see cref="WorkdirDispatcher"/>
/// without its layer), words expanded with the config's ENV. Only the instructions docker allows
/// in <c>--change</c> are accepted: CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD,
/// STOPSIGNAL, USER, VOLUME, WORKDIR.
/// </summary>
public static class ConfigChanges
{
    private static readonly string[] Allowed = ["cmd", "entrypoint", "env", "expose", "healthcheck", "label", "onbuild", "stopsignal", "user", "volume", "workdir"];

    private static readonly Stage NoStage = new(0, new FromInstruction(InstructionSource.None, "", "", ""), []);

    /// <exception cref="FormatException">A change is not one instruction, not an allowed one, or not a valid one.</exception>
    public static ContainerConfig Apply(ContainerConfig config, IEnumerable<string> changes)
    {
        var d = new DispatchState(NoStage, "", "") { Image = MutableImage.From(new ImageConfig { Config = config }) };
        foreach (var env in d.Image.Env ?? [])
        {
            var eq = env.IndexOf('=');
            d.Env = eq < 0 ? d.Env.With(env, "") : d.Env.With(env[..eq], env[(eq + 1)..]);
        }
        foreach (var change in changes)
            ApplyOne(d, change);
        // BuildKit marks every CMD/ENTRYPOINT ArgsEscaped; docker's --change leaves it as it was on Linux.
        return d.Image.ToImageConfig().Config with { ArgsEscaped = config.ArgsEscaped };
    }

    private static void ApplyOne(DispatchState d, string change)
    {
        ParseResult parsed;
        try
        {
            parsed = DockerfileParser.Parse(change);
        }
        catch (DockerfileParseException e)
        {
            throw new FormatException($"invalid change \"{change}\": {e.Message}", e);
        }
        if (parsed.Root.Children.Count != 1)
            throw new FormatException($"invalid change \"{change}\": expected exactly one instruction");
        var node = parsed.Root.Children[0];
        if (!Allowed.Contains(node.Value))
            throw new FormatException($"{node.Value.ToUpperInvariant()} is not a valid change command");

        var lexer = new ShellLexer(parsed.EscapeToken);
        var env = d.Env;
        try
        {
            var instruction = InstructionParser.ParseCommand(node);
            string Word(string word) => ConversionContext.Expand(() => lexer.ProcessWord(word, env));
            if (instruction is WorkdirInstruction workdir)
                WorkdirDispatcher.Resolve(d, Word(workdir.Path));
            else
                ConfigDispatcher.TryDispatch(d, instruction, Word, word => ConversionContext.Expand(() => lexer.ProcessWords(word, env)));
        }
        catch (InstructionException e)
        {
            throw new FormatException($"invalid change \"{change}\": {e.Message}", e);
        }
    }
}
