using Img.Engine.Frontend.Dockerfile.Parsing;
using Xunit;
using static Img.Engine.Tests.Frontend.Parsing.ParseHelpers;

namespace Img.Engine.Tests.Frontend.Parsing;

public sealed class JsonFormTests
{
    [Theory]
    [InlineData("CMD [\"a\", \"b\"]", "(cmd \"a\" \"b\")")]
    [InlineData("ENTRYPOINT\t[ \"a\" ]\t", "(entrypoint \"a\")")]
    [InlineData("SHELL [\"pwsh\", \"-c\"]", "(shell \"pwsh\" \"-c\")")]
    [InlineData("RUN [\"\\u00e9\\n\", \"\\/\"]", "(run \"é\\n\" \"/\")")]
    [InlineData("RUN [\"\\ud83d\\ude00\"]", "(run \"😀\")")]
    [InlineData("RUN [\"\\ud800x\"]", "(run \"\uFFFDx\")")]
    [InlineData("RUN [\"\\udc00\\ud800\"]", "(run \"\uFFFD\uFFFD\")")]
    [InlineData("VOLUME [\"/a b\", \"/c\"]", "(volume \"/a b\" \"/c\")")]
    [InlineData("ADD [\"a b\", \"/c\"]", "(add \"a b\" \"/c\")")]
    public void Exec_form_is_decoded(string dockerfile, string dump)
    {
        Assert.Equal(dump, Dump(dockerfile));
        Assert.True(Instruction(dockerfile, 0).IsJson);
    }

    [Fact]
    public void Empty_array_has_no_arguments()
    {
        var cmd = Instruction("CMD []", 0);

        Assert.True(cmd.IsJson);
        Assert.Null(cmd.Next);
        Assert.Equal("cmd", AstDumper.Dump(cmd));
    }

    [Theory]
    [InlineData("CMD [a]", "(cmd \"[a]\")")]
    [InlineData("CMD ['a']", "(cmd \"['a']\")")]
    [InlineData("CMD [\"a\"", "(cmd \"[\\\"a\\\"\")")]
    [InlineData("CMD [\"a\",]", "(cmd \"[\\\"a\\\",]\")")]
    [InlineData("CMD [\"a\"] b", "(cmd \"[\\\"a\\\"] b\")")]
    [InlineData("CMD [\"a\\x\"]", "(cmd \"[\\\"a\\\\x\\\"]\")")]
    [InlineData("CMD [\"a\", 01]", "(cmd \"[\\\"a\\\", 01]\")")]
    [InlineData("CMD [\"a\", True]", "(cmd \"[\\\"a\\\", True]\")")]
    [InlineData("CMD '[\"a\"]'", "(cmd \"'[\\\"a\\\"]'\")")]
    [InlineData("CMD [\"a\", 1e400]", "(cmd \"[\\\"a\\\", 1e400]\")")]
    [InlineData("VOLUME [/a /b]", "(volume \"[/a\" \"/b]\")")]
    [InlineData("COPY [\"a\" \"b\"]", "(copy \"[\\\"a\\\"\" \"\\\"b\\\"]\")")]
    public void Anything_but_valid_json_falls_back_to_shell_form(string dockerfile, string dump)
    {
        Assert.Equal(dump, Dump(dockerfile));
        Assert.False(Instruction(dockerfile, 0).IsJson);
    }

    [Theory]
    [InlineData("CMD [\"a\", 42]")]
    [InlineData("CMD [\"a\", 1.5]")]
    [InlineData("CMD [\"a\", {}]")]
    [InlineData("CMD [\"a\", {\"c\": \"d\"}]")]
    [InlineData("CMD [\"a\", [\"c\"]]")]
    [InlineData("CMD [\"a\", true]")]
    [InlineData("CMD [\"a\", false]")]
    [InlineData("CMD [\"a\", null]")]
    [InlineData("COPY [\"a\", 1]")]
    [InlineData("HEALTHCHECK CMD [1]")]
    public void Valid_json_with_a_non_string_element_is_an_error(string instruction)
    {
        var error = Rejects($"FROM a\n{instruction}");

        Assert.Equal("when using JSON array syntax, arrays must be comprised of strings only", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Json_form_is_only_for_the_whole_argument_text()
    {
        Assert.Equal("(from \"[\\\"a\\\"]\")", Dump("FROM [\"a\"]"));
        Assert.Equal("(workdir \"[\\\"a\\\"]\")", Dump("WORKDIR [\"a\"]"));
    }
}
