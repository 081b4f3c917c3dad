using Img.Engine.Frontend.Dockerfile.Parsing;
using Xunit;
using static Img.Engine.Tests.Frontend.Parsing.ParseHelpers;

namespace Img.Engine.Tests.Frontend.Parsing;

public sealed class DirectiveTests
{
    [Fact]
    public void Backtick_escape_continues_lines_and_makes_backslash_literal()
    {
        var result = DockerfileParser.Parse("# escape=`\nFROM image\nRUN dir c:\\\nENV A `\n  b\n");

        Assert.Equal('`', result.EscapeToken);
        Assert.Equal("(from \"image\")\n(run \"dir c:\\\\\")\n(env \"A\" \"b\" \"\")", AstDumper.Dump(result.Root));
    }

    [Fact]
    public void Default_escape_is_backslash()
    {
        Assert.Equal('\\', DockerfileParser.Parse("FROM a").EscapeToken);
    }

    [Theory]
    [InlineData("# ESCAPE=`\nFROM a")]
    [InlineData("#escape=`\nFROM a")]
    [InlineData("#  Escape  =  `  \nFROM a")]
    [InlineData("   # escape=`\nFROM a")]
    [InlineData("# syntax=docker/dockerfile:1\n# escape=`\nFROM a")]
    [InlineData("\uFEFF# escape=`\nFROM a")]
    public void Escape_directive_is_recognised(string dockerfile)
    {
        Assert.Equal('`', DockerfileParser.Parse(dockerfile).EscapeToken);
    }

    [Theory]
    [InlineData("# comment\n# escape=`\nFROM a")]
    [InlineData("\n# escape=`\nFROM a")]
    [InlineData("FROM a\n# escape=`\nRUN b")]
    [InlineData("# unknown=x\n# escape=`\nFROM a")]
    [InlineData("# escape: `\nFROM a")]
    public void Escape_directive_after_anything_else_is_a_comment(string dockerfile)
    {
        Assert.Equal('\\', DockerfileParser.Parse(dockerfile).EscapeToken);
    }

    [Fact]
    public void Unknown_directive_is_kept_as_a_comment()
    {
        var from = Instruction("# foo=bar\n# escape=`\nFROM a", 0);

        Assert.Equal(["foo=bar", "escape=`"], from.PrevComment);
    }

    [Fact]
    public void Directives_are_reported_and_not_kept_as_comments()
    {
        var result = DockerfileParser.Parse("# syntax = docker/dockerfile:1\n#CHECK=skip=all;error=true\n# hello\nFROM a");

        Assert.Equal(
            [new ParserDirective("syntax", "docker/dockerfile:1", 1), new ParserDirective("check", "skip=all;error=true", 2)],
            result.Directives);
        Assert.Equal(["hello"], result.Root.Children[0].PrevComment);
    }

    [Theory]
    [InlineData("# escape=`\n# escape=\\\nFROM a", "only one escape parser directive can be used")]
    [InlineData("# syntax=a\n# SYNTAX=b\nFROM a", "only one syntax parser directive can be used")]
    [InlineData("# check=skip=all\n# check=error=true\nFROM a", "only one check parser directive can be used")]
    public void Repeated_directive_is_rejected(string dockerfile, string message)
    {
        var error = Rejects(dockerfile);

        Assert.Equal(message, error.Message);
        // BuildKit reports directive errors at the 0-based index of the offending line.
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Repeated_directive_after_the_block_is_just_a_comment()
    {
        Assert.Equal('`', DockerfileParser.Parse("# escape=`\n\n# escape=\\\nFROM a").EscapeToken);
    }

    [Theory]
    [InlineData("# escape=x\nFROM a", "x")]
    [InlineData("# escape=``\nFROM a", "``")]
    [InlineData("# escape=/\nFROM a", "/")]
    public void Invalid_escape_token_is_rejected(string dockerfile, string token)
    {
        var error = Rejects(dockerfile);

        Assert.Equal($"invalid escape token '{token}' does not match ` or \\", error.Message);
        Assert.Equal(0, error.Line);
    }
}
