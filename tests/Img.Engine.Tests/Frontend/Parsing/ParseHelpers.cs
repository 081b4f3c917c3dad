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
}
