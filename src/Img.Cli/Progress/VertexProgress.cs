using System.Diagnostics;

namespace Img.Cli.Progress;

/// <summary>What the display knows of one vertex: its number, state, timing, output and status lines.</summary>
public sealed class VertexProgress(int number, string description)
{
    public int Number { get; } = number;
    public string Description { get; } = description;
    public Stopwatch Clock { get; } = new();
    public bool Cached { get; set; }
    public bool Done { get; set; }
    public bool Canceled { get; set; }
    public string? Error { get; set; }
    public double? Seconds { get; set; }

    /// <summary>Output lines, each stamped with the seconds since the vertex started (<see cref="LogStamp"/>).</summary>
    public List<string> Logs { get; } = new();

    /// <summary>Finished status lines and how long each took.</summary>
    public List<(string Text, double Seconds)> Statuses { get; } = new();
}
