using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Frontend.Dockerfile.Shell;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// Dispatches one stage: inherits from its base, applies the base image's ENV/WORKDIR/USER, then
/// expands and dispatches each instruction to its feature (RUN, COPY, WORKDIR, config...).
/// </summary>
internal static class Dispatcher
{
    public static void DispatchStage(ConversionContext ctx, DispatchState d)
    {
        d.Init();
        d.Dispatched = true;
        d.Platform ??= ctx.TargetPlatform;

        if (!(d.Image.Env ?? []).Any(e => e == "PATH" || e.StartsWith("PATH=", StringComparison.Ordinal)) && d.Platform.Os != "windows")
        {
            d.Image.Env ??= new List<string>();
            d.Image.Env.Add("PATH=" + MutableImage.DefaultPathEnv);
        }
        foreach (var env in d.Image.Env ?? [])
        {
            var eq = env.IndexOf('=');
            d.Env = eq < 0 ? d.Env.With(env, "") : d.Env.With(env[..eq], env[(eq + 1)..]);
        }
        if (!string.IsNullOrEmpty(d.Image.WorkingDir))
            WorkdirDispatcher.Apply(ctx, d, d.Image.WorkingDir, commit: false, source: null);
        if (!string.IsNullOrEmpty(d.Image.User))
            d.User = d.Image.User;

        foreach (var command in d.Commands)
        {
            try
            {
                Dispatch(ctx, d, command);
            }
            catch (InstructionException e)
            {
                throw e.AtLine(command.Instruction.Line);
            }
        }
    }

    private static void Dispatch(ConversionContext ctx, DispatchState d, StageCommand command)
    {
        d.CommandIsOnBuild = command.IsOnBuild;
        var env = d.Env;
        string X(string word) => ctx.ProcessWord(word, env);

        if (ConfigDispatcher.TryDispatch(d, command.Instruction, X, word => ctx.ProcessWords(word, env)))
            return;
        switch (command.Instruction)
        {
            case RunInstruction c:
                RunDispatcher.Dispatch(ctx, d, c, command.Sources);
                break;
            case WorkdirInstruction c:
                WorkdirDispatcher.Apply(ctx, d, X(c.Path), commit: true, source: c);
                break;
            case AddInstruction c:
                CopyDispatcher.Dispatch(ctx, d, CopyRequest.From(c with
                {
                    Chown = X(c.Chown),
                    Chmod = X(c.Chmod),
                    Checksum = X(c.Checksum),
                    SourcePaths = c.SourcePaths.Select(X).ToArray(),
                    DestPath = X(c.DestPath),
                    SourceContents = ExpandRaw(c.SourceContents, env),
                }), source: null);
                break;
            case CopyInstruction c:
                var from = command.Sources.Count > 0 ? command.Sources[0] : null;
                if (from is not null && !from.Dispatched)
                    throw new InstructionException($"cannot copy from stage \"{c.From}\", it needs to be defined before current stage \"{d.StageName}\"");
                CopyDispatcher.Dispatch(ctx, d, CopyRequest.From(c with
                {
                    Chown = X(c.Chown),
                    Chmod = X(c.Chmod),
                    SourcePaths = c.SourcePaths.Select(X).ToArray(),
                    DestPath = X(c.DestPath),
                    SourceContents = ExpandRaw(c.SourceContents, env),
                }), from);
                break;
            case ArgInstruction c:
                ArgDispatcher.Dispatch(ctx, d, c);
                break;
        }
    }

    /// <summary>Here-document bodies of COPY/ADD: expanded unless the delimiter was quoted, quotes kept.</summary>
    private static IReadOnlyList<SourceContent> ExpandRaw(IReadOnlyList<SourceContent> contents, DictionaryShellEnvironment env)
    {
        if (contents.All(c => !c.Expand))
            return contents;
        var lexer = new ShellLexer('\\') { SkipProcessQuotes = true };
        return contents.Select(c =>
        {
            if (!c.Expand)
                return c;
            try
            {
                return c with { Data = lexer.ProcessWord(c.Data, env) };
            }
            catch (ShellExpansionException e)
            {
                throw new InstructionException(e.Message);
            }
        }).ToArray();
    }
}
