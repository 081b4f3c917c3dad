namespace Img.Engine.Graph;

/// <summary>Removes a path.</summary>
public sealed record FileRmAction(string Path, bool AllowNotFound, bool AllowWildcard) : FileAction
{
    public override string Kind => "rm";

    internal override void Encode(CanonicalWriter w)
    {
        w.Field("path").String(Path);
        w.Field("notFound").Bool(AllowNotFound);
        w.Field("wildcard").Bool(AllowWildcard);
    }
}
