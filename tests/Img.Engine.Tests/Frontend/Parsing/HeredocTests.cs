using Img.Engine.Frontend.Dockerfile.Parsing;
using Xunit;
using static Img.Engine.Tests.Frontend.Parsing.ParseHelpers;

namespace Img.Engine.Tests.Frontend.Parsing;

public sealed class HeredocTests
{
    private static Heredoc Only(string dockerfile) => Assert.Single(Instruction(dockerfile, 1).Heredocs);

    [Fact]
    public void Body_is_read_up_to_the_terminator()
    {
        var result = DockerfileParser.Parse("FROM a\nRUN <<EOF\necho hello\n# not a comment\nEOF\nRUN b\n");

        var run = result.Root.Children[1];
        Assert.Equal(new Heredoc("EOF", 0, true, false, "echo hello\n# not a comment\n"), Assert.Single(run.Heredocs));
        Assert.Equal("(from \"a\")\n(run \"<<EOF\")\n(run \"b\")", AstDumper.Dump(result.Root));
        Assert.Equal((2, 5), (run.StartLine, run.EndLine));
        Assert.Equal((6, 6), (result.Root.Children[2].StartLine, result.Root.Children[2].EndLine));
    }

    [Fact]
    public void Empty_body()
    {
        Assert.Equal(new Heredoc("EMPTY", 0, true, false, ""), Only("FROM a\nRUN <<EMPTY\nEMPTY"));
    }

    [Fact]
    public void Dash_form_accepts_tab_indented_terminator_and_keeps_the_body_raw()
    {
        var heredoc = Only("FROM a\nRUN <<-EOT\n\tbaz\n\tquux\n\tEOT\n");

        Assert.Equal(new Heredoc("EOT", 0, true, true, "\tbaz\n\tquux\n"), heredoc);
        Assert.Equal("baz\nquux\n", HeredocSyntax.ChompContent(heredoc.Content));
    }

    [Fact]
    public void Without_dash_an_indented_terminator_is_body()
    {
        Assert.Equal("\tEOT\nmore\n", Only("FROM a\nRUN <<EOT\n\tEOT\nmore\nEOT").Content);
    }

    [Theory]
    [InlineData("<<'EOF'", "EOF", false)]
    [InlineData("<<\"EOF\"", "EOF", false)]
    [InlineData("<<-'EOF'", "EOF", false)]
    [InlineData("<<eo'F'", "eoF", false)]
    [InlineData("<<E\"O\"F", "EOF", false)]
    [InlineData("<<'one two'", "one two", false)]
    [InlineData("<<EOF", "EOF", true)]
    [InlineData("<<  EOF", "EOF", true)]
    [InlineData("<<$EOF", "$EOF", true)]
    [InlineData("<<file.txt", "file.txt", true)]
    public void Quoting_any_part_of_the_delimiter_disables_expansion(string word, string name, bool expand)
    {
        var heredoc = Only($"FROM a\nRUN {word}\nline $X\n{name}\n");

        Assert.Equal(name, heredoc.Name);
        Assert.Equal(expand, heredoc.Expand);
        Assert.Equal("line $X\n", heredoc.Content);
    }

    [Fact]
    public void Escaped_quote_is_part_of_the_name_and_keeps_expansion()
    {
        var heredoc = Only("FROM a\nRUN <<eo\\'f\necho foo\neo'f\n");

        Assert.Equal(new Heredoc("eo'f", 0, true, false, "echo foo\n"), heredoc);
    }

    [Fact]
    public void Quoted_name_with_escaped_quote()
    {
        var heredoc = Only("FROM a\nRUN <<'e'o\\'f\necho foo\neo'f\n");

        Assert.Equal(new Heredoc("eo'f", 0, false, false, "echo foo\n"), heredoc);
    }

    [Fact]
    public void File_descriptor_prefix()
    {
        Assert.Equal(new Heredoc("EOF", 3, true, false, "x\n"), Only("FROM a\nRUN 3<<EOF\nx\nEOF"));
    }

    [Fact]
    public void Several_heredocs_on_one_line_are_read_in_order()
    {
        var copy = Instruction("FROM a\nCOPY <<X <<Y /dest\nY\nX\nX\nY\n", 1);

        Assert.Equal(
            [new Heredoc("X", 0, true, false, "Y\n"), new Heredoc("Y", 0, true, false, "X\n")],
            copy.Heredocs);
        Assert.Equal(["<<X", "<<Y", "/dest"], copy.Arguments());
        Assert.Equal(6, copy.EndLine);
    }

    [Fact]
    public void Heredoc_after_flags_and_with_trailing_words()
    {
        var run = Instruction("FROM a\nRUN --mount=type=cache,target=/c <<EOF python3\nprint(1)\nEOF\n", 1);

        Assert.Equal(["--mount=type=cache,target=/c"], run.Flags);
        Assert.Equal(new Heredoc("EOF", 0, true, false, "print(1)\n"), Assert.Single(run.Heredocs));
        Assert.Equal("run [\"--mount=type=cache,target=/c\"] \"<<EOF python3\"", AstDumper.Dump(run));
    }

    [Fact]
    public void Add_supports_heredocs()
    {
        Assert.Equal("hi\n", Only("FROM a\nADD <<EOF /x\nhi\nEOF").Content);
    }

    [Fact]
    public void Other_instructions_do_not_read_heredocs()
    {
        var result = DockerfileParser.Parse("FROM a\nUSER <<INVALID\nINVALID\n");

        Assert.Empty(result.Root.Children[1].Heredocs);
        Assert.Equal("(from \"a\")\n(user \"<<INVALID\")\n(invalid \"\")", AstDumper.Dump(result.Root));
    }

    [Theory]
    [InlineData("RUN [\"<<EOF\"]")]
    [InlineData("RUN [\"<<'EOF'\"]")]
    [InlineData("RUN \"<<EOF\"")]
    [InlineData("RUN '<<EOF'")]
    [InlineData("RUN <<- EOF")]
    [InlineData("RUN echo <<")]
    [InlineData("RUN <<'EOF")]
    public void Not_a_heredoc(string instruction)
    {
        var result = DockerfileParser.Parse($"FROM a\n{instruction}\nEOF\n");

        Assert.Empty(result.Root.Children[1].Heredocs);
        Assert.Equal(3, result.Root.Children.Count);
    }

    [Fact]
    public void Onbuild_heredoc_attaches_to_the_onbuild_instruction()
    {
        var onbuild = Instruction("FROM a\nONBUILD RUN <<EOF\nx\nEOF\n", 1);

        Assert.Equal(new Heredoc("EOF", 0, true, false, "x\n"), Assert.Single(onbuild.Heredocs));
        Assert.Equal("onbuild (run \"<<EOF\")", AstDumper.Dump(onbuild));
    }

    [Fact]
    public void Body_keeps_carriage_returns_but_terminator_ignores_them()
    {
        Assert.Equal("x\r\n", Only("FROM a\r\nRUN <<EOF\r\nx\r\nEOF\r\n").Content);
    }

    [Fact]
    public void Missing_terminator_is_an_error_at_the_instruction()
    {
        var error = Rejects("FROM a\nRUN <<EOF\necho\n");

        Assert.Equal("unterminated heredoc", error.Message);
        Assert.Equal(2, error.Line);
        Assert.Equal(3, error.EndLine);
    }

    [Fact]
    public void Second_heredoc_missing_its_terminator_is_an_error()
    {
        Assert.Equal("unterminated heredoc", Rejects("FROM a\nCOPY <<A <<B /d\na\nA\nb\n").Message);
    }

    [Theory]
    [InlineData("<<EOF")]
    [InlineData("<<'EOF'")]
    [InlineData("<<\"EOF\"")]
    [InlineData("<<-EOF")]
    [InlineData("<<-'EOF'")]
    [InlineData("<<-\"EOF\"")]
    [InlineData("<<EO\"F\"")]
    [InlineData("<< EOF")]
    [InlineData("<<- EOF")]
    public void ParseWord_recognises_heredoc_words(string word)
    {
        Assert.Equal("EOF", HeredocSyntax.ParseWord(word)?.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("EOF")]
    [InlineData("<<")]
    [InlineData("<<-")]
    [InlineData("<EOF")]
    [InlineData("<<<EOF")]
    [InlineData("<<EOF sh")]
    public void ParseWord_rejects_non_heredocs(string word)
    {
        Assert.Null(HeredocSyntax.ParseWord(word));
    }

    [Theory]
    [InlineData("<<'EOF")]
    [InlineData("<<\"EOF")]
    [InlineData("<<EOF'")]
    [InlineData("<<EOF\"")]
    public void ParseWord_fails_on_unbalanced_quotes(string word)
    {
        Assert.Throws<DockerfileParseException>(() => HeredocSyntax.ParseWord(word));
    }

    [Fact]
    public void ParseWord_reads_dash_and_file_descriptor()
    {
        Assert.Equal(new Heredoc("END", 12, true, true, ""), HeredocSyntax.ParseWord("12<<-END"));
        Assert.Equal("-EOF", HeredocSyntax.ParseWord("<< -EOF")?.Name);
    }
}
