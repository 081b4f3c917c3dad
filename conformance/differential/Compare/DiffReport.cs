namespace Img.Differential;

/// <summary>Differences in the order they were found, each one line
/// ("WHERE: buildkit=X img=Y"); known BuildKit 0.8 artifacts are listed but not counted.</summary>
internal sealed class DiffReport
{
    private readonly List<string> _lines = [];

    public int Count { get; private set; }

    public void Add(string where, string buildkit, string img) => Note($"{where}: buildkit={buildkit} img={img}");

    public void Note(string line)
    {
        _lines.Add(line);
        Count++;
    }

    public void Known(string line) => _lines.Add("known: " + line);

    public void Print(TextWriter output)
    {
        foreach (var line in _lines) output.WriteLine("  " + line);
    }
}
