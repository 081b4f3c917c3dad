using System.Diagnostics;

namespace Img.Cli.Progress;

/// <summary>What the display knows of one vertex: its number, state and timing.</summary>
public sealed class VertexProgress(int number, string description)
{
    public int Number { get; } = number;
    public string Description { get; } = description;
    public Stopwatch Clock { get; } = new();
    public bool Cached { get; set; }
    public bool Done { get; set; }
    public string? Error { get; set; }
    public double? Seconds { get; set; }
    public List<string> Logs { get; } = new();
}
