using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Graph;
using Img.Engine.Tests.Frontend.Conversion;
using Xunit;

namespace Img.Engine.Tests.Graph;

public class GraphPrinterTests
{
    private static BuildGraph Sample() => ConvertHelper.Convert(
        "FROM alpine AS a\nRUN echo \"quoted\" \\\\ back\nFROM scratch\nCOPY --from=a /x /y\n").Graph;

    [Fact]
    public void TextHasOneLinePerVertex()
    {
        var g = Sample();
        var lines = GraphPrinter.ToText(g).TrimEnd('\n').Split('\n');
        Assert.Equal(g.Vertices.Count, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var v = g.Vertices[i];
            Assert.StartsWith(v.Digest.Short + " " + v.Op.Kind, lines[i]);
            foreach (var input in v.Inputs)
                Assert.Contains(input.Digest.Short, lines[i]);
        }
        Assert.EndsWith("(target)", lines[^1]);
    }

    [Fact]
    public void DotIsWellFormed()
    {
        var g = Sample();
        var dot = GraphPrinter.ToDot(g);
        Assert.StartsWith("digraph build {\n", dot);
        Assert.EndsWith("}\n", dot);
        var nodes = dot.Split('\n').Where(l => l.Contains("[label=")).ToArray();
        Assert.Equal(g.Vertices.Count, nodes.Length);
        var edges = dot.Split('\n').Where(l => l.Contains(" -> ")).ToArray();
        Assert.Equal(g.Vertices.Sum(v => v.Inputs.Count), edges.Length);
        foreach (var edge in edges)
        {
            foreach (var end in edge.Trim().TrimEnd(';').Split(" -> "))
                Assert.Contains(nodes, n => n.TrimStart().StartsWith(end + " ", StringComparison.Ordinal));
        }
        // every label is a properly closed string: quotes inside are escaped
        foreach (var node in nodes)
        {
            var label = node[(node.IndexOf("label=\"", StringComparison.Ordinal) + 7)..];
            var unescapedQuotes = 0;
            for (var i = 0; i < label.Length; i++)
            {
                if (label[i] == '\\') { i++; continue; }
                if (label[i] == '"') unescapedQuotes++;
            }
            Assert.Equal(1, unescapedQuotes);
        }
    }
}
