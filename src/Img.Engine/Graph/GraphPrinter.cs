using System.Text;

namespace Img.Engine.Graph;

/// <summary>
/// Human views of a <see cref="BuildGraph"/> for <c>img debug graph</c>: one line per vertex,
/// or Graphviz dot.
/// </summary>
public static class GraphPrinter
{
    /// <summary>
    /// One vertex per line, inputs first: <c>short-digest kind description [&lt;- input, ...]</c>;
    /// the target line ends with <c>(target)</c>.
    /// </summary>
    public static string ToText(BuildGraph graph)
    {
        var sb = new StringBuilder();
        foreach (var v in graph.Vertices)
        {
            sb.Append(v.Digest.Short).Append(' ').Append(v.Op.Kind.PadRight(6)).Append(' ').Append(Describe(v));
            if (v.Inputs.Count > 0)
                sb.Append(" <- ").Append(string.Join(", ", v.Inputs.Select(i => i.ToString())));
            if (v.Digest == graph.Target.Digest)
                sb.Append(" (target)");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A Graphviz <c>digraph</c>: nodes named by short digest, edges from input to dependent.</summary>
    public static string ToDot(BuildGraph graph)
    {
        var sb = new StringBuilder();
        sb.Append("digraph build {\n");
        sb.Append("  rankdir=TB;\n");
        sb.Append("  node [shape=box, fontname=\"monospace\"];\n");
        foreach (var v in graph.Vertices)
        {
            var label = $"{v.Op.Kind} {v.Digest.Short}\\n{Escape(Describe(v))}";
            sb.Append("  \"").Append(v.Digest.Short).Append("\" [label=\"").Append(label).Append('"');
            if (v.Digest == graph.Target.Digest)
                sb.Append(", peripheries=2");
            sb.Append("];\n");
        }
        foreach (var v in graph.Vertices)
        {
            foreach (var input in v.Inputs)
                sb.Append("  \"").Append(input.Digest.Short).Append("\" -> \"").Append(v.Digest.Short).Append("\";\n");
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    private static string Describe(BuildVertex v)
    {
        var text = v.Metadata.Description.Length > 0 ? v.Metadata.Description : v.Op.Kind;
        return text.Replace("\r", "").Replace('\n', ' ');
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
