using System.Text;
using Img.Engine.Frontend.Dockerfile.Parsing;
using Xunit;
using static Img.Engine.Tests.Frontend.Parsing.ParseHelpers;

namespace Img.Engine.Tests.Frontend.Parsing;

public sealed class LineAndErrorTests
{
    [Fact]
    public void Instructions_record_their_first_and_last_lines()
    {
        const string dockerfile =
            "# escape=\\\n\n\nFROM a\n\n# comment\nENV A \\\n  b\n\nRUN x \\\n\n  && y \\\n# c\n  && z\n\n\n";

        var root = DockerfileParser.Parse(dockerfile).Root;

        Assert.Equal((4, 14), (root.StartLine, root.EndLine));
        Assert.Equal([(4, 4), (7, 8), (10, 14)], root.Children.Select(c => (c.StartLine, c.EndLine)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("# only\n# comments\n")]
    [InlineData("# escape=`\n")]
    public void File_without_instructions_is_rejected(string dockerfile)
    {
        Assert.Equal("file with no instructions", Rejects(dockerfile).Message);
    }

    [Fact]
    public void File_without_instructions_reports_the_line_count()
    {
        Assert.Equal(2, Rejects("# a\n# b\n").Line);
    }

    [Fact]
    public void Error_in_a_continued_instruction_spans_its_lines()
    {
        var error = Rejects("FROM a\nENV \\\n  PATH\n");

        Assert.Equal("ENV must have two arguments", error.Message);
        Assert.Equal((2, 3), (error.Line, error.EndLine));
    }

    [Fact]
    public void Line_of_64KiB_is_rejected_like_BuildKit()
    {
        var dockerfile = "FROM a\nLABEL x=" + new string('a', 65536) + "\n";

        var error = Rejects(dockerfile);

        Assert.Equal("dockerfile line greater than max allowed size of 65535", error.Message);
    }

    [Fact]
    public void Line_just_under_64KiB_is_accepted()
    {
        var value = new string('a', 65535 - "LABEL x=".Length);

        var result = DockerfileParser.Parse("FROM a\nLABEL x=" + value + "\n");

        Assert.Equal(value, result.Root.Children[1].Next!.Next!.Value);
    }

    [Fact]
    public void Stream_and_string_input_agree()
    {
        const string dockerfile = "FROM a\nRUN echo é ♥\n";

        var fromStream = DockerfileParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(dockerfile)));

        Assert.Equal(Dump(dockerfile), AstDumper.Dump(fromStream.Root));
    }

    [Fact]
    public void Byte_order_mark_is_ignored()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("FROM a\n")).ToArray();

        Assert.Equal("(from \"a\")", AstDumper.Dump(DockerfileParser.Parse(new MemoryStream(bytes)).Root));
    }

    [Fact]
    public void Invalid_utf8_is_kept_as_bytes_and_dumped_as_hex_escapes()
    {
        var bytes = Encoding.ASCII.GetBytes("FROM a\nRUN x").Concat(new byte[] { 0xFF, 0xC3, (byte)'\n' }).ToArray();

        var root = DockerfileParser.Parse(new MemoryStream(bytes)).Root;

        Assert.Equal("(from \"a\")\n(run \"x\\xff\\xc3\")", AstDumper.Dump(root));
    }
}
