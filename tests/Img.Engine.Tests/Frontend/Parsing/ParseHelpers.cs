using Img.Engine.Frontend.Dockerfile.Parsing;
using Xunit;

namespace Img.Engine.Tests.Frontend.Parsing;

internal static class ParseHelpers
{
    /// <summary>The dump of one Dockerfile, one line per instruction, without final newline.</summary>
    public static string Dump(string dockerfile) => AstDumper.Dump(DockerfileParser.Parse(dockerfile).Root);

    public static Node Instruction(string dockerfile, int index) =>
        DockerfileParser.Parse(dockerfile).Root.Children[index];

    public static DockerfileParseException Rejects(string dockerfile) =>
        Assert.Throws<DockerfileParseException>(() => DockerfileParser.Parse(dockerfile));

    /// <summary>
    /// Splits a long instruction into physical lines joined by escaped newlines, so it can be
    /// longer than the 64 KiB limit on one physical line.
    /// </summary>
    public static string Continued(string instruction, int width = 10_000) =>
        string.Join("\\\n", instruction.Chunk(width).Select(chunk => new string(chunk)));
}
