using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Graph;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>WORKDIR: resolves relative paths against the current directory and creates it (a mkdir file op).</summary>
internal static class WorkdirDispatcher
{
    /// <param name="commit">False for the base image's WorkingDir: no mkdir, no history.</param>
    public static void Apply(ConversionContext ctx, DispatchState d, string path, bool commit, WorkdirInstruction? source)
    {
        var wd = Resolve(d, path);
        if (!commit)
            return;
        var withLayer = false;
        if (wd != "/")
        {
            var description = ProgressNames.Prefix(d, ProgressNames.Command(ctx, source?.Source.SourceCode ?? "WORKDIR " + path, d.Env), d.Env);
            var mkdir = new FileMkdirAction(wd, 493 /* 0755 */, MakeParents: true) 
            {
                Chown = string.IsNullOrEmpty(d.Image.User) ? null : d.Image.User,
                CreatedTime = ctx.SourceDateEpoch,
            };
            d.Root = ctx.Graph.Add(new FileOp(d.Root, [mkdir]), new OpMetadata(description, d.StageName, d.IgnoreCache, source?.Line ?? 0));
            withLayer = true;
        }
        d.Image.AddHistory("WORKDIR " + wd, withLayer, false);
    }

    /// <summary>Sets the working directory, a relative <paramref name="path"/> taken from the current one; returns it.</summary>
    public static string Resolve(DispatchState d, string path)
    {
        var wd = ContainerPath.Normalize(d.Image.WorkingDir ?? "/", path, keepSlash: false);
        d.Image.WorkingDir = wd;
        d.Dir = wd;
        return wd;
    }
}
