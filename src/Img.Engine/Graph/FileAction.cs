namespace Img.Engine.Graph;

/// <summary>One step of a <see cref="FileOp"/>; applied in order to the op's base.</summary>
public abstract record FileAction
{
    public abstract string Kind { get; }
    internal virtual OpInput? Input => null;
    internal abstract void Encode(CanonicalWriter w);
}
