namespace Img.Engine.Operations.Files;

/// <summary>A numeric owner applied with lchown.</summary>
public readonly record struct FileOwner(int Uid, int Gid)
{
    public static FileOwner Root => new(0, 0);

    public override string ToString() => $"{Uid}:{Gid}";
}
