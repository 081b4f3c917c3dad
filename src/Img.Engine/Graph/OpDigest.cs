namespace Img.Engine.Graph;

/// <summary>
/// The identity of a build op: <c>sha256:</c> + hex of the op's canonical encoding, which covers
/// its definition and its inputs' digests (so a change anywhere upstream changes it too).
/// </summary>
public readonly record struct OpDigest(string Value)
{
    /// <summary>The first 12 hex digits, as progress output and graph dumps show it.</summary>
    public string Short => Value.StartsWith("sha256:", StringComparison.Ordinal) ? Value[7..Math.Min(Value.Length, 19)] : Value;

    public override string ToString() => Value;
}
