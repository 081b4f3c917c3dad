namespace Img.Engine.Graph;

/// <summary>A reference to one output of another op (BuildKit's <c>pb.Input</c>).</summary>
public sealed record OpInput(OpDigest Digest, int Output = 0)
{
    public override string ToString() => Output == 0 ? Digest.Short : $"{Digest.Short}:{Output}";
}
