using Img.Engine.Frontend.Dockerfile.Parsing;
using Img.Engine.Tests.Fixtures;
using Xunit;
using static Img.Engine.Tests.Frontend.Parsing.ParseHelpers;

namespace Img.Engine.Tests.Frontend.Parsing;

public sealed class ArgumentParsingTests
{
    [Theory]
    [InlineData("ENV a b c", "(env \"a\" \"b c\" \"\")")]
    [InlineData("ENV a\t \"b  c\"", "(env \"a\" \"\\\"b  c\\\"\" \"\")")]
    [InlineData("ENV a=b", "(env \"a\" \"b\" \"=\")")]
    [InlineData("ENV a=", "(env \"a\" \"\" \"=\")")]
    [InlineData("ENV a=b c=\"d e\" f=g\\ h", "(env \"a\" \"b\" \"=\" \"c\" \"\\\"d e\\\"\" \"=\" \"f\" \"g\\\\ h\" \"=\")")]
    [InlineData("ENV a='x\\'", "(env \"a\" \"'x\\\\'\" \"=\")")]
    [InlineData("ENV a==b", "(env \"a\" \"=b\" \"=\")")]
    [InlineData("ENV", "(env)")]
    [InlineData("LABEL maintainer Some One <one@example.com>", "(label \"maintainer\" \"Some One <one@example.com>\" \"\")")]
    [InlineData("LABEL \"a b\"=c d=e", "(label \"\\\"a b\\\"\" \"c\" \"=\" \"d\" \"e\" \"=\")")]
    public void Env_and_label_give_key_value_separator_triples(string dockerfile, string dump)
    {
        Assert.Equal(dump, Dump(dockerfile));
    }

    [Theory]
    [InlineData("ENV PATH", "ENV must have two arguments")]
    [InlineData("LABEL a", "LABEL must have two arguments")]
    [InlineData("ENV a=b c", "Syntax error - can't find = in \"c\". Must be of the form: name=value")]
    [InlineData("LABEL a=b \"c d\"", "Syntax error - can't find = in \"\\\"c d\\\"\". Must be of the form: name=value")]
    public void Env_and_label_errors(string instruction, string message)
    {
        var error = Rejects($"FROM a\n\n{instruction}");

        Assert.Equal(message, error.Message);
        Assert.Equal(3, error.Line);
    }

    [Theory]
    [InlineData("ARG a", "(arg \"a\")")]
    [InlineData("ARG a b=c d=", "(arg \"a\" \"b=c\" \"d=\")")]
    [InlineData("ARG a=\"x y\" b", "(arg \"a=\\\"x y\\\"\" \"b\")")]
    [InlineData("ARG", "(arg)")]
    [InlineData("FROM a AS b", "(from \"a\" \"AS\" \"b\")")]
    [InlineData("FROM --platform=$X a", "(from [\"--platform=$X\"] \"a\")")]
    [InlineData("EXPOSE 80  443/udp", "(expose \"80\" \"443/udp\")")]
    [InlineData("VOLUME /a /b", "(volume \"/a\" \"/b\")")]
    [InlineData("COPY a\tb  c", "(copy \"a\" \"b\" \"c\")")]
    [InlineData("MAINTAINER Some One <one@example.com>", "(maintainer \"Some One <one@example.com>\")")]
    [InlineData("WORKDIR /a b", "(workdir \"/a b\")")]
    [InlineData("USER a:b", "(user \"a:b\")")]
    [InlineData("STOPSIGNAL SIGKILL", "(stopsignal \"SIGKILL\")")]
    [InlineData("RUN   echo   a  ", "(run \"echo   a\")")]
    [InlineData("run echo", "(run \"echo\")")]
    [InlineData("HEALTHCHECK", "(healthcheck)")]
    [InlineData("HEALTHCHECK NONE", "(healthcheck \"NONE\")")]
    [InlineData("HEALTHCHECK CMD", "(healthcheck \"CMD\")")]
    [InlineData("HEALTHCHECK   CMD   a b", "(healthcheck \"CMD\" \"a b\")")]
    [InlineData("HEALTHCHECK CMD [\"a\", \"b\"]", "(healthcheck \"CMD\" \"a\" \"b\")")]
    [InlineData("ONBUILD", "(onbuild)")]
    [InlineData("ONBUILD RUN [\"a\"]", "(onbuild (run \"a\"))")]
    [InlineData("ONBUILD ENV a=b", "(onbuild (env \"a\" \"b\" \"=\"))")]
    [InlineData("FOO bar baz", "(foo \"\")")]
    [InlineData("FOO", "(foo \"\")")]
    public void Each_keyword_has_its_argument_parser(string dockerfile, string dump)
    {
        Assert.Equal(dump, Dump(dockerfile));
    }

    [Fact]
    public void Instruction_node_keeps_the_original_text_and_a_lower_case_keyword()
    {
        var run = Instruction("  Run   echo hi", 0);

        Assert.Equal("run", run.Value);
        Assert.Equal("Run   echo hi", run.Original);
    }

    [Fact]
    public void Onbuild_nests_the_instruction_as_the_single_child_of_its_argument()
    {
        var onbuild = Instruction("FROM a\nONBUILD RUN echo hi", 1);

        var nested = Assert.Single(onbuild.Next!.Children);
        Assert.Equal("run", nested.Value);
        Assert.Equal("RUN echo hi", nested.Original);
        Assert.Equal(["echo hi"], nested.Arguments());
        Assert.Equal((2, 2), (nested.StartLine, nested.EndLine));
    }

    // BuildKit parses any depth of ONBUILD ONBUILD ... (the instruction layer rejects chaining);
    // the parser reads the chain in a loop, so a long line cannot overflow the stack.
    [Fact]
    public void Onbuild_chains_parse_to_any_depth_without_recursion()
    {
        Assert.Equal("(onbuild (onbuild (run \"x\")))", Dump("ONBUILD ONBUILD RUN x"));

        const int depth = 5_000;
        var onbuild = SmallStack.Run(() => Instruction("FROM a\n" + Continued(string.Concat(Enumerable.Repeat("ONBUILD ", depth)) + "RUN x"), 1));

        var levels = 0;
        for (Node? n = onbuild; n is not null; n = n.Next?.Children.SingleOrDefault(), levels++)
            Assert.Equal((onbuild.StartLine, onbuild.EndLine), (n.StartLine, n.EndLine));
        Assert.Equal(depth + 1, levels);
        Assert.Throws<InsufficientExecutionStackException>(() => SmallStack.Run(() => AstDumper.Dump(onbuild)));
    }

    [Fact]
    public void Healthcheck_exec_form_marks_the_node_json()
    {
        Assert.True(Instruction("HEALTHCHECK CMD [\"a\"]", 0).IsJson);
        Assert.False(Instruction("HEALTHCHECK CMD a", 0).IsJson);
    }
}
