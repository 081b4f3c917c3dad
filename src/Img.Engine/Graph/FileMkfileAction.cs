namespace Img.Engine.Graph;

/// <summary>Creates a file with the given content (here-documents).</summary>
public sealed record FileMkfileAction(string Path, uint Mode, string Data) : FileAction
{
    public string? Chown { get; init; }

    public override string Kind => "mkfile";

    internal override void Encode(CanonicalWriter w)
    {
        w.Field("path").String(Path);
        w.Field("mode").Int(Mode);
        w.Field("data").Bytes(System.Text.Encoding.UTF8.GetBytes(Data));
        w.Field("chown").String(Chown);
    }
}
