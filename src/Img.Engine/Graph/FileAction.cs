namespace Img.Engine.Graph;

/// <summary>One step of a <see cref="FileOp"/>; applied in order to the op's base.</summary>
public abstract record FileAction
{
    /// <summary>Every kind of action, by the kind name encodings write before its fields.</summary>
    public static OpUnion<FileAction> Kinds { get; } = new(FileCopyAction.Schema, FileMkdirAction.Schema, FileMkfileAction.Schema, FileRmAction.Schema);

    public abstract string Kind { get; }
    internal virtual OpInput? Input => null;
}
