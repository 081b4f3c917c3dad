using System.Text;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>
/// Aligns tab-separated cells into columns the way docker's tabwriter does (minimum width 10,
/// three spaces of padding, the last column unpadded).
/// </summary>
public sealed class TableWriter
{
    private const int MinWidth = 10;
    private const int Padding = 3;
    private readonly List<string[]> _rows = [];

    public void AddRow(params string[] cells) => _rows.Add(cells);

    /// <summary>Adds a line whose cells are separated by tabs.</summary>
    public void AddLine(string line) => _rows.Add(line.Split('\t'));

    public override string ToString()
    {
        var widths = new List<int>();
        foreach (var row in _rows)
        {
            for (var i = 0; i < row.Length - 1; i++)
            {
                if (widths.Count <= i) widths.Add(0);
                widths[i] = Math.Max(widths[i], Math.Max(MinWidth, row[i].Length + Padding));
            }
        }
        var sb = new StringBuilder();
        foreach (var row in _rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                if (i < row.Length - 1) sb.Append(row[i].PadRight(widths[i]));
                else sb.Append(row[i]);
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
