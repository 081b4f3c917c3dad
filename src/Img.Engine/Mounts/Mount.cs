namespace Img.Engine.Mounts;

/// <summary>
/// One filesystem mount, in the shape containerd and the OCI runtime spec use: a
/// <see cref="Type"/> (<c>overlay</c>, <c>bind</c>, <c>tmpfs</c>, <c>fuse-overlayfs</c>, ...),
/// a <see cref="Source"/>, mount <see cref="Options"/> (flags such as <c>ro</c>/<c>rbind</c> and
/// filesystem data such as <c>lowerdir=...</c>), and an optional <see cref="Target"/> relative to
/// the directory the mount list is applied to (null or empty means that directory itself).
/// </summary>
public sealed record Mount(string Type, string Source, IReadOnlyList<string> Options, string? Target = null)
{
    /// <summary>A bind mount of <paramref name="source"/>, read-only when asked.</summary>
    public static Mount Bind(string source, bool readOnly, string? target = null) =>
        new("bind", source, readOnly ? ["rbind", "ro"] : ["rbind", "rw"], target);

    /// <summary>True when the options contain <c>ro</c>.</summary>
    public bool IsReadOnly => Options.Contains("ro");

    /// <summary>The value of a <c>name=value</c> option, or null.</summary>
    public string? Option(string name)
    {
        string prefix = name + "=";
        foreach (string o in Options)
        {
            if (o.StartsWith(prefix, StringComparison.Ordinal))
            {
                return o[prefix.Length..];
            }
        }
        return null;
    }

    /// <summary>Value equality, options compared element by element.</summary>
    public bool Equals(Mount? other) =>
        other is not null && Type == other.Type && Source == other.Source && Target == other.Target &&
        Options.SequenceEqual(other.Options);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Type);
        h.Add(Source);
        h.Add(Target);
        foreach (string o in Options)
        {
            h.Add(o);
        }
        return h.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Type} {Source} [{string.Join(',', Options)}]" + (string.IsNullOrEmpty(Target) ? "" : " -> " + Target);
}
