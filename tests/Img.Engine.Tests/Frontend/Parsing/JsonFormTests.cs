using Img.Engine.Frontend.Dockerfile.Parsing;
using Img.Engine.Tests.Fixtures;
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

    // Go's encoding/json accepts nesting up to 10,000 levels and rejects deeper input as a
    // syntax error, so BuildKit falls back to the shell form. Parsed on a thread with a small
    // stack: deep input must never overflow it.
    [Fact]
    public void Nesting_to_gos_limit_is_json_and_beyond_it_is_shell_form()
    {
        static string Nested(int depth) => Continued("CMD " + new string('[', depth) + new string(']', depth));

        var error = Assert.Throws<DockerfileParseException>(() => SmallStack.Run(() => DockerfileParser.Parse(Nested(10_000))));
        Assert.Equal("when using JSON array syntax, arrays must be comprised of strings only", error.Message);

        foreach (var depth in new[] { 10_001, 1_000_000 })
        {
            var cmd = SmallStack.Run(() => Instruction(Nested(depth), 0));
            Assert.False(cmd.IsJson);
            Assert.Equal(new string('[', depth) + new string(']', depth), cmd.Next!.Value);
        }
    }

    [Theory]
    [InlineData("{\"a\": ", "}")]
    [InlineData("[{\"a\": [", "]}]")]
    public void Deep_objects_are_validated_without_recursion(string open, string close)
    {
        string Nested(int depth) => Continued("CMD [\"a\", " + string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)) + "]");

        Assert.Throws<DockerfileParseException>(() => SmallStack.Run(() => DockerfileParser.Parse(Nested(3_000))));
        Assert.False(SmallStack.Run(() => Instruction(Nested(100_000), 0)).IsJson);
        Assert.False(SmallStack.Run(() => Instruction(Nested(3_000)[..^1], 0)).IsJson);
    }
}
