using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Frontend.Dockerfile.Parsing;
using Img.Engine.Frontend.Dockerfile.Shell;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Platforms;
using Img.Engine.References;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// Everything before dispatch: stage bases expanded with the global ARGs, the target, which
/// stages read which (COPY --from, RUN --mount from=), cycles, base images and ONBUILD triggers.
/// </summary>
internal static class StagePlanner
{
    public const string Scratch = "scratch";

    public static void AddStages(ConversionContext ctx, IReadOnlyList<Stage> stages)
    {
        foreach (var stage in stages)
        {
            var line = stage.From.Line;
            string baseName;
            try
            {
                baseName = ctx.ProcessWordWithMatches(stage.BaseName, ctx.GlobalArgs).Result;
            }
            catch (InstructionException e)
            {
                throw e.AtLine(line);
            }
            if (baseName.Length == 0)
                throw new InstructionException($"base name ({stage.BaseName}) should not be blank", line);

            var d = new DispatchState(stage, baseName, stage.Name.Length > 0 ? stage.Name : $"stage-{stage.Index}");
            if (stage.Platform.Length > 0)
                d.Platform = ParsePlatform(ctx, stage.Platform, line);
            ctx.States.Add(d);
            if (stage.Name.Length > 0 && NamedContextDispatcher.Find(ctx, stage.Name) is { } named)
            {
                d.Override = named;
                d.Base = null;
            }

            var total = d.BaseName != Scratch && d.Base is null ? 1 : 0;
            total += stage.Commands.Count(c => c is AddInstruction or CopyInstruction or RunInstruction or WorkdirInstruction);
            d.CommandTotal = total;
            d.IgnoreCache = ctx.Options.NoCache;
            d.PrefixPlatform = ctx.Options.MultiPlatform;
        }
    }

    private static Platform ParsePlatform(ConversionContext ctx, string expression, int line)
    {
        Shell.ShellExpansion match;
        try
        {
            match = ctx.ProcessWordWithMatches(expression, ctx.GlobalArgs);
        }
        catch (InstructionException e)
        {
            throw new InstructionException($"failed to process arguments for platform {expression}: {e.Message}", line);
        }
        if (match.Result.Length == 0)
            throw new InstructionException(WithArgHint(ctx, $"empty platform value from expression {expression}", match.Unmatched), line);
        try
        {
            return PlatformSpec.Parse(match.Result);
        }
        catch (FormatException e)
        {
            throw new InstructionException($"failed to parse platform {expression}: {WithArgHint(ctx, e.Message, match.Unmatched)}", line);
        }
    }

    private static string WithArgHint(ConversionContext ctx, string message, IEnumerable<string> unmatched)
    {
        foreach (var name in unmatched.Order(StringComparer.Ordinal))
        {
            var hinted = Suggest.WithHint(message, name, ctx.GlobalArgs.Names, caseSensitive: true);
            if (hinted != message)
                return hinted;
        }
        return message;
    }

    public static DispatchState ResolveTarget(ConversionContext ctx)
    {
        var target = ctx.Options.Target;
        if (target.Length == 0)
            return ctx.States.States[^1];
        return ctx.States.FindByName(target) ?? throw new InstructionException(
            Suggest.WithHint($"target stage \"{target}\" could not be found", target, ctx.States.Names(), caseSensitive: true));
    }

    public static void BuildDependencies(ConversionContext ctx)
    {
        foreach (var d in ctx.States.States.ToArray())
        {
            d.Commands = new List<StageCommand>();
            if (d.Override is not null)
                continue; // replaced by a named context: its instructions never run
            foreach (var instruction in d.Stage.Commands)
            {
                var command = ToCommand(ctx, instruction, isOnBuild: false);
                d.Commands.Add(command);
                Register(ctx, d, command);
            }
        }
        ValidateNoCycles(ctx.States.States);
        if (ctx.States.States.Count(s => !s.Unregistered) == 1)
            ctx.States.States.First(s => !s.Unregistered).StageName = "";
    }

    private static void Register(ConversionContext ctx, DispatchState d, StageCommand command)
    {
        foreach (var source in command.Sources)
        {
            if (source is null)
                continue;
            d.Deps[source] = command.Instruction;
            if (source.Unregistered && !ctx.States.States.Contains(source))
                ctx.States.Add(source);
        }
    }

    /// <summary>Finds the stages an instruction reads; names that are no stage become image sources.</summary>
    public static StageCommand ToCommand(ConversionContext ctx, Instruction instruction, bool isOnBuild)
    {
        var sources = new List<DispatchState?>();
        switch (instruction)
        {
            case CopyInstruction { From.Length: > 0 } copy:
                var expanded = ctx.ProcessWordWithMatches(copy.From, DictionaryShellEnvironment.Empty).Result;
                if (expanded != copy.From)
                    throw new InstructionException("variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround", copy.Line);
                sources.Add(int.TryParse(copy.From, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var index)
                    ? FindByIndex(ctx, index, copy.Line)
                    : ctx.States.FindByName(copy.From) ?? Unregistered(copy.From, copy));
                break;
            case RunInstruction run:
                foreach (var mount in run.Mounts)
                {
                    var from = mount.From.Length > 0 ? mount.From : Scratch;
                    sources.Add(ctx.States.FindByName(from) ?? Unregistered(from, run));
                }
                break;
        }
        return new StageCommand(instruction, sources, isOnBuild);
    }

    private static DispatchState FindByIndex(ConversionContext ctx, int index, int line)
    {
        try
        {
            return ctx.States.FindByIndex(index);
        }
        catch (InstructionException e)
        {
            throw e.AtLine(line);
        }
    }

    private static DispatchState Unregistered(string baseName, Instruction instruction)
    {
        var from = new FromInstruction(instruction.Source, baseName, "", "");
        return new DispatchState(new Stage(-1, from, []), baseName, "") { Unregistered = true };
    }

    private static void ValidateNoCycles(IReadOnlyList<DispatchState> states)
    {
        var visited = new HashSet<DispatchState>(ReferenceEqualityComparer.Instance);
        var path = new HashSet<DispatchState>(ReferenceEqualityComparer.Instance);

        Instruction? Visit(DispatchState state)
        {
            if (!visited.Add(state))
                return null;
            path.Add(state);
            foreach (var (dep, instruction) in state.Deps)
            {
                if (path.Contains(dep))
                    return instruction;
                if (Visit(dep) is { } found)
                    return found;
            }
            path.Remove(state);
            return null;
        }

        foreach (var state in states)
        {
            if (Visit(state) is { } instruction)
                throw new InstructionException($"circular dependency detected on stage: {state.StageName}", instruction.Line);
        }
    }

    /// <summary>All stages <paramref name="target"/> needs, base images resolved and ONBUILD triggers in place.</summary>
    public static async Task<HashSet<DispatchState>> ResolveStagesAsync(ConversionContext ctx, DispatchState target, CancellationToken ct)
    {
        while (true)
        {
            var reachable = Reachable(target);
            foreach (var d in ctx.States.States.ToArray())
            {
                if (d.Base is not null || d.Dispatched || d.Resolved || !reachable.Contains(d))
                    continue;
                d.Resolved = true;
                await ResolveBaseAsync(ctx, d, ct).ConfigureAwait(false);
            }

            var newDeps = false;
            foreach (var d in ctx.States.States.Where(reachable.Contains).ToArray())
            {
                d.Init();
                var triggers = d.Image.OnBuild?.ToList() ?? new List<string>();
                if (d.Base is not null && !d.OnBuildInit)
                {
                    triggers.AddRange(d.Base.Commands.Select(c => c.Instruction).OfType<OnbuildInstruction>().Select(o => o.Expression));
                    d.OnBuildInit = true;
                }
                if (triggers.Count > 0)
                {
                    newDeps |= AddOnBuildTriggers(ctx, d, triggers);
                    d.Image.OnBuild = null;
                }
            }
            if (!newDeps)
            {
                AddBaseImageSources(ctx);
                return reachable;
            }
        }
    }

    /// <summary>
    /// Adds each resolved stage's base image vertex, named only now: a base image's ONBUILD
    /// triggers become steps of the stage, so FROM must be numbered against the total that
    /// counts them (<c>[1/4] FROM</c>, <c>[2/4] ONBUILD RUN ...</c>). BuildKit names FROM before
    /// it counts the triggers and prints two totals for one stage.
    /// </summary>
    private static void AddBaseImageSources(ConversionContext ctx)
    {
        foreach (var d in ctx.States.States)
        {
            if (d.PendingBaseSource is not { } source)
                continue;
            var description = ProgressNames.Prefix(d, "FROM " + source.Identifier);
            d.Root = ctx.Graph.Add(source, new OpMetadata(description, d.StageName, d.IgnoreCache, d.Line));
            d.PendingBaseSource = null;
        }
    }

    private static HashSet<DispatchState> Reachable(DispatchState target)
    {
        var result = new HashSet<DispatchState>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<DispatchState>();
        stack.Push(target);
        while (stack.Count > 0)
        {
            var s = stack.Pop();
            if (!result.Add(s))
                continue;
            if (s.Base is not null)
                stack.Push(s.Base);
            foreach (var dep in s.Deps.Keys)
                stack.Push(dep);
        }
        return result;
    }

    private static bool AddOnBuildTriggers(ConversionContext ctx, DispatchState d, IReadOnlyList<string> triggers)
    {
        var hasNewDeps = false;
        var commands = new List<StageCommand>();
        foreach (var trigger in triggers)
        {
            try
            {
                var parsed = DockerfileParser.Parse(trigger);
                if (parsed.Root.Children.Count != 1)
                    throw new InstructionException("onbuild trigger should be a single expression");
                var node = parsed.Root.Children[0];
                node.StartLine = d.Line;
                node.EndLine = d.Line;
                var instruction = InstructionParser.ParseCommand(node);
                if (instruction is OnbuildInstruction)
                    throw new InstructionException("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
                var command = ToCommand(ctx, instruction, isOnBuild: true);
                hasNewDeps |= command.Sources.Any(s => s is not null);
                commands.Add(command);
                Register(ctx, d, command);
            }
            catch (DockerfileParseException e)
            {
                throw new InstructionException(e.Message, d.Line);
            }
            catch (InstructionException e)
            {
                throw new InstructionException(e.Message, d.Line);
            }
        }
        d.Commands = commands.Concat(d.Commands).ToList();
        d.CommandTotal += commands.Count;
        return hasNewDeps;
    }

    private static async Task ResolveBaseAsync(ConversionContext ctx, DispatchState d, CancellationToken ct)
    {
        if (d.Override is { } replaced)
        {
            await NamedContextDispatcher.ApplyAsync(ctx, d, replaced.Key, replaced.Context, ct).ConfigureAwait(false);
            return;
        }
        if (d.BaseName == Scratch)
        {
            d.Root = null;
            d.Image = MutableImage.Empty(ctx.TargetPlatform);
            d.Platform = ctx.TargetPlatform;
            if (d.Unregistered)
                d.Dispatched = true;
            return;
        }
        string reference;
        try
        {
            // BuildKit: reference.TagNameOnly(reference.ParseNormalizedNamed(name)).
            reference = ImageReference.Parse(d.BaseName).ToString();
        }
        catch (InvalidReferenceException e)
        {
            throw new InstructionException($"failed to parse stage name \"{d.BaseName}\": {e.Message}", d.Line);
        }
        if (NamedContextDispatcher.Find(ctx, reference) is { } named)
        {
            await NamedContextDispatcher.ApplyAsync(ctx, d, named.Key, named.Context, ct).ConfigureAwait(false);
            return;
        }
        var platform = d.Platform ?? ctx.TargetPlatform;
        ImageConfig? config = null;
        if (ctx.Options.ImageResolver is { } resolver
            && await resolver.ResolveAsync(reference, platform, ct).ConfigureAwait(false) is { } resolved)
        {
            config = resolved.Config;
            // BuildKit pins the stage to what the reference resolved to (name:tag@digest), so the
            // source's cache key changes when the name is pointed at another image.
            // A reference that already names a digest keeps it.
            if (resolved.ManifestDigest is { } digest && ImageReference.Parse(reference).Digest is null)
                reference = ImageReference.Parse(reference + "@" + digest).ToString();
        }
        d.BaseName = reference;

        var isScratch = false;
        if (config is null)
        {
            d.Image = MutableImage.Empty(platform);
            d.Image.WorkingDir = null;
            d.Image.Env = null;
        }
        else
        {
            d.Image = MutableImage.From(config with { Created = null });
            if (d.Platform is null && ctx.ImplicitTarget)
                platform = AutoDetect(config, platform, ctx.BuildPlatform);
            isScratch = config.RootFs.DiffIds.Count == 0 && (config.History ?? []).All(h => h.EmptyLayer);
        }
        if (isScratch)
        {
            d.Root = null;
        }
        else
        {
            d.PendingBaseSource = new SourceOp(SourceKind.Image, reference) { Platform = platform };
        }
        d.Platform = platform;
        if (d.Unregistered)
            d.Dispatched = true;
    }

    private static Platform AutoDetect(ImageConfig image, Platform target, Platform build)
    {
        if (target.Os == image.Os && target.Architecture == image.Architecture)
            return target;
        if (build.Os == image.Os && build.Architecture == image.Architecture)
            return build;
        return target;
    }
}
