using Img.Engine.Frontend.Dockerfile.Parsing;
using Xunit;
using static Img.Engine.Tests.Frontend.Parsing.ParseHelpers;

namespace Img.Engine.Tests.Frontend.Parsing;

public sealed class ContinuationTests
{
    [Fact]
    public void Continuation_joins_lines_keeping_the_indentation_of_later_lines()
    {
        Assert.Equal("(run \"echo hello   world\")", Dump("RUN echo hello \\\n  world"));
    }

    [Fact]
    public void Spaces_after_the_escape_still_continue_the_line()
    {
        Assert.Equal("(run \"a b\")", Dump("RUN a \\ \t\nb"));
    }

    [Fact]
    public void Escaped_escape_at_end_of_line_does_not_continue()
    {
        Assert.Equal("(run \"echo \\\\\\\\\")\n(run \"b\")", Dump("RUN echo \\\\\nRUN b"));
    }

    [Fact]
    public void Comment_lines_inside_a_continuation_are_dropped()
    {
        Assert.Equal("(run \"a  b c\")", Dump("RUN a \\\n# not part\n b \\\n    # indented comment\nc"));
    }

    [Fact]
    public void Continuation_at_end_of_file_ends_the_instruction()
    {
        Assert.Equal("(from \"a\")\n(run \"x\")", Dump("FROM a\nRUN x \\"));
    }

    [Fact]
    public void Carriage_returns_are_stripped_with_the_newline()
    {
        Assert.Equal("(from \"a\")\n(run \"a  b\")", Dump("FROM a\r\nRUN a \\\r\n b\r\n"));
    }

    [Fact]
    public void Empty_continuation_line_is_skipped_with_a_warning_at_the_last_line()
    {
        var result = DockerfileParser.Parse("FROM a\nRUN a \\\n\n   \n  b\nRUN c");

        Assert.Equal("(from \"a\")\n(run \"a   b\")\n(run \"c\")", AstDumper.Dump(result.Root));
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("Empty continuation line found in: RUN a   b", warning.Message);
        Assert.Equal(5, warning.Line);
    }

    [Fact]
    public void One_warning_per_instruction_and_none_for_comment_lines()
    {
        var result = DockerfileParser.Parse(
            "FROM a\nRUN something \\\n\n    following \\\n\n    more\nRUN another \\\n\n    thing\nRUN c \\\n# comment\n  d\n");

        Assert.Equal(
            ["Empty continuation line found in: RUN something     following     more",
             "Empty continuation line found in: RUN another     thing"],
            result.Warnings.Select(w => w.Message));
    }

    [Fact]
    public void Leading_whitespace_is_trimmed_only_on_the_first_line()
    {
        Assert.Equal("(run \"a   b\")", Dump("    RUN a \\\n  b"));
    }

    [Fact]
    public void Comments_above_an_instruction_are_kept_and_an_empty_comment_resets_them()
    {
        var result = DockerfileParser.Parse("# one\n#\n# two\n\n#   three  \nFROM a\nRUN b\n");

        Assert.Equal(["two", "three"], result.Root.Children[0].PrevComment);
        Assert.Empty(result.Root.Children[1].PrevComment);
    }

    [Fact]
    public void Indented_comment_keeps_the_hash_like_BuildKit()
    {
        Assert.Equal(["# indented"], Instruction("  # indented\nFROM a", 0).PrevComment);
    }

    [Fact]
    public void Original_is_the_joined_line()
    {
        Assert.Equal("RUN a   b", Instruction("RUN a \\\n  b", 0).Original);
    }
}
