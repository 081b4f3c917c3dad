using System.Text.RegularExpressions;
using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Graph;
using Img.Engine.Paths;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// COPY and ADD: one file op whose copy actions read the build context, another stage, an image,
/// an HTTP or git source, or inline here-documents; with <c>--link</c>, the copies land on
/// scratch and a merge op stacks them on the stage.
/// </summary>
internal static partial class CopyDispatcher
{
    [GeneratedRegex(@"^([ugoa]*[-+=]([rwxXst]*|[ugo]))+$")]
    private static partial Regex SymbolicModeClause();

    public static void Dispatch(ConversionContext ctx, DispatchState d, CopyRequest cfg, DispatchState? source)
    {
        var dest = DestPath(d, cfg.DestPath);
        var (mode, modeString) = ParseChmod(cfg.Chmod);
        if (cfg.Checksum.Length > 0)
        {
            if (!cfg.IsAdd)
                throw new InstructionException("checksum can't be specified for COPY");
            if (cfg.SourcePaths.Count != 1)
                throw new InstructionException("checksum can't be specified for multiple sources");
            if (!IsHttp(cfg.SourcePaths[0]) && !IsGit(cfg.SourcePaths[0]))
                throw new InstructionException("checksum requires HTTP(S) or Git sources");
        }

        var message = cfg.IsAdd ? "ADD" : "COPY";
        if (cfg.Parents)
            message += " --parents";
        if (cfg.Chown.Length > 0)
            message += " --chown=" + cfg.Chown;
        if (cfg.Chmod.Length > 0)
            message += " --chmod=" + cfg.Chmod;

        var name = ProgressNames.Command(ctx, cfg.Instruction.Source.SourceCode, d.Env);
        var indexBefore = d.CommandIndex;
        var description = ProgressNames.Prefix(d, name, d.Env);
        var chown = cfg.Chown.Length > 0 ? cfg.Chown : null;
        var excludes = cfg.ExcludePatterns;
        var contextSource = source is null ? ctx.Context : source.Root;
        var actions = new List<FileAction>();

        foreach (var rawSrc in cfg.SourcePaths)
        {
            var src = rawSrc;
            message += " " + src;
            if (IsGit(src))
            {
                if (!cfg.IsAdd)
                    throw new InstructionException("source can't be a git ref for COPY");
                var git = ctx.Graph.Add(new SourceOp(SourceKind.Git, src) { KeepGitDir = cfg.KeepGitDir ?? false, Checksum = cfg.Checksum },
                    new OpMetadata(description, d.StageName, d.IgnoreCache, cfg.Instruction.Line));
                actions.Add(new FileCopyAction(git, "/", dest) { Mode = mode, ModeString = modeString, CreateDestPath = true, Chown = chown, ExcludePatterns = excludes });
            }
            else if (IsHttp(src))
            {
                if (!cfg.IsAdd)
                    throw new InstructionException("source can't be a URL for COPY");
                var filename = "__unnamed__";
                if (Uri.TryCreate(src, UriKind.Absolute, out var uri))
                {
                    var b = GoPath.Base(uri.AbsolutePath);
                    if (b != "." && b != "/")
                        filename = Uri.UnescapeDataString(b);
                }
                var http = ctx.Graph.Add(new SourceOp(SourceKind.Http, src) { Filename = filename, Checksum = cfg.Checksum },
                    new OpMetadata(description, d.StageName, d.IgnoreCache, cfg.Instruction.Line));
                actions.Add(new FileCopyAction(http, filename, dest)
                {
                    Mode = mode, ModeString = modeString, CreateDestPath = true, AttemptUnpack = cfg.Unpack ?? false, Chown = chown, ExcludePatterns = excludes,
                });
            }
            else
            {
                IReadOnlyList<string> patterns = [];
                IReadOnlyList<string> required = [];
                if (cfg.Parents)
                {
                    var pivot = src.IndexOf("/./", StringComparison.Ordinal);
                    string pattern;
                    if (pivot < 0)
                    {
                        pattern = src;
                        src = "/";
                    }
                    else
                    {
                        pattern = src[(pivot + 3)..];
                        src = src[..pivot];
                    }
                    pattern = ContainerPath.Normalize("/", pattern, keepSlash: false);
                    patterns = [pattern.TrimStart('/')];
                    if (!ContainsWildcards(src) && !ContainsWildcards(pattern))
                        required = [ContainerPath.Normalize("/", GoPath.Join(src, pattern), keepSlash: false)];
                }
                src = ContainerPath.Normalize("/", src, keepSlash: false);
                actions.Add(new FileCopyAction(contextSource, src, dest)
                {
                    Mode = mode,
                    ModeString = modeString,
                    FollowSymlinks = true,
                    CopyDirContentsOnly = true,
                    IncludePatterns = patterns,
                    RequiredPaths = required,
                    AttemptUnpack = cfg.Unpack ?? cfg.IsAdd,
                    CreateDestPath = true,
                    AllowWildcard = true,
                    AllowEmptyWildcard = true,
                    Chown = chown,
                    ExcludePatterns = excludes,
                });
                if (source is null)
                    d.ContextPaths.Add(GoPath.Join("/", rawSrc));
            }
        }

        foreach (var content in cfg.SourceContents)
        {
            message += " <<" + content.Path;
            var inline = ctx.Graph.Add(new FileOp(null, [new FileMkfileAction(content.Path, 420 /* 0644 */, content.Data)]),
                new OpMetadata("preparing inline document", d.StageName, d.IgnoreCache));
            actions.Add(new FileCopyAction(inline, content.Path, dest) { Mode = mode, ModeString = modeString, CreateDestPath = true, Chown = chown, ExcludePatterns = excludes });
        }
        message += " " + cfg.DestPath;

        var line = cfg.Instruction.Line;
        if (cfg.Link && cfg.Chmod.Length == 0)
        {
            var group = description;
            var copied = ctx.Graph.Add(new FileOp(null, actions),
                new OpMetadata(description, d.StageName, d.IgnoreCache, line) { ProgressGroup = group });
            d.CommandIndex = indexBefore;
            var linkDescription = ProgressNames.Prefix(d, "LINK " + name, d.Env);
            IReadOnlyList<OpInput> layers = d.Root is null ? [copied] : [d.Root, copied];
            d.Root = ctx.Graph.Add(new MergeOp(layers),
                new OpMetadata(linkDescription, d.StageName, d.IgnoreCache, line) { ProgressGroup = group });
        }
        else
        {
            d.Root = ctx.Graph.Add(new FileOp(d.Root, actions), new OpMetadata(description, d.StageName, d.IgnoreCache, line));
        }
        d.Image.AddHistory(message, true, true);
    }

    /// <summary>The destination made absolute against the working directory, trailing slash kept.</summary>
    private static string DestPath(DispatchState d, string p)
    {
        if (GoPath.IsAbs(p))
            return ContainerPath.Normalize("/", p, keepSlash: true);
        if (p is "." or "")
            p = "./";
        return ContainerPath.Normalize(d.Dir, p, keepSlash: true);
    }

    private static (uint? Mode, string? ModeString) ParseChmod(string chmod)
    {
        if (chmod.Length == 0)
            return (null, null);
        var nonOctal = new InstructionException($"invalid chmod parameter: '{chmod}'. it should be octal string and between 0 and 07777");
        if (chmod.All(c => c is >= '0' and <= '7'))
        {
            var value = chmod.Aggregate(0UL, (acc, c) => acc > 4095 /* 07777 */ ? acc : acc * 8 + (ulong)(c - '0'));
            if (value > 4095 /* 07777 */)
                throw nonOctal;
            return ((uint)value, null);
        }
        if (chmod.Any(char.IsAsciiDigit) || !chmod.Split(',').All(clause => SymbolicModeClause().IsMatch(clause)))
            throw nonOctal;
        return (null, chmod);
    }

    private static bool IsHttp(string src) =>
        (src.StartsWith("http://", StringComparison.Ordinal) || src.StartsWith("https://", StringComparison.Ordinal)) && !IsGit(src);

    private static bool IsGit(string src) => Img.Engine.Git.GitUrl.IsGit(src);

    private static bool ContainsWildcards(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            switch (name[i])
            {
                case '*' or '?' or '[':
                    return true;
                case '\\':
                    i++;
                    break;
            }
        }
        return false;
    }
}
