using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Frontend.Dockerfile.Parsing;
using Xunit;
using static Img.Engine.Tests.Frontend.Instructions.InstructionTestHelper;

namespace Img.Engine.Tests.Frontend.Instructions;

public class InstructionParserTests
{
    [Fact]
    public void UnknownInstructionSuggestsKeywordWithFileAndLine()
    {
        var e = Error("FROM alpine\n\nRUNN make\n");
        Assert.Equal("Dockerfile:3: unknown instruction: RUNN (did you mean RUN?)", e.Message);
        Assert.Equal(3, e.Line);
        Assert.Equal("Dockerfile", e.FileName);
        Assert.Equal(e.Message, e.ToString());
    }

    [Fact]
    public void UnknownInstructionKeepsCaseOfSuggestion()
    {
        Assert.Equal("Dockerfile:2: unknown instruction: fntrypoint (did you mean entrypoint?)", Error("FROM a\nfntrypoint x\n").Message);
        Assert.Equal("Dockerfile:2: unknown instruction: XYZZY", Error("FROM a\nXYZZY x\n").Message);
    }

    [Fact]
    public void ErrorUsesTheGivenFileName()
    {
        var e = Error("FROM a\nRUN --boo x\n", "build/app.Dockerfile");
        Assert.Equal("build/app.Dockerfile:2: unknown flag: --boo", e.Message);
    }

    [Theory]
    [InlineData("COPY --boo=1 a b", "unknown flag: --boo")]
    [InlineData("COPY --fron=x a b", "unknown flag: --fron (did you mean from?)")]
    [InlineData("COPY --from a b", "missing a value on flag: --from")]
    [InlineData("COPY --link=maybe a b", "expecting boolean value for flag --link, not: maybe")]
    [InlineData("COPY --link= a b", "missing a value on flag: --link")]
    [InlineData("COPY --from=a --from=b a b", "duplicate flag specified: --from")]
    [InlineData("COPY a", "COPY requires at least two arguments, but only one was provided. Destination could not be determined")]
    [InlineData("ADD a", "ADD requires at least two arguments, but only one was provided. Destination could not be determined")]
    [InlineData("WORKDIR", "WORKDIR requires exactly one argument")]
    [InlineData("USER", "USER requires exactly one argument")]
    [InlineData("STOPSIGNAL", "STOPSIGNAL requires exactly one argument")]
    [InlineData("EXPOSE", "EXPOSE requires at least one argument")]
    [InlineData("VOLUME", "VOLUME requires at least one argument")]
    [InlineData("ARG", "ARG requires at least one argument")]
    [InlineData("ARG =x", "ARG names can not be blank")]
    [InlineData("LABEL", "LABEL requires at least one argument")]
    [InlineData("MAINTAINER", "MAINTAINER requires exactly one argument")]
    [InlineData("SHELL /bin/bash -c", "SHELL requires the arguments to be in JSON form")]
    [InlineData("SHELL []", "SHELL requires at least one argument")]
    [InlineData("ONBUILD ONBUILD RUN x", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")]
    [InlineData("ONBUILD FROM alpine", "FROM isn't allowed as an ONBUILD trigger")]
    [InlineData("ONBUILD MAINTAINER me", "MAINTAINER isn't allowed as an ONBUILD trigger")]
    [InlineData("RUN --network=bridge x", "invalid network mode \"bridge\"")]
    [InlineData("RUN --security=root x", "security \"root\" is not valid")]
    [InlineData("RUN --mount=type=cache,from=$X x", "'from' doesn't support variable expansion, define alias stage instead")]
    [InlineData("HEALTHCHECK NONE x", "HEALTHCHECK NONE takes no arguments")]
    [InlineData("HEALTHCHECK CONNECT x", "Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)")]
    [InlineData("HEALTHCHECK --retries=-1 CMD x", "--retries cannot be negative (-1)")]
    [InlineData("HEALTHCHECK --interval=10us CMD x", "Interval \"interval\" cannot be less than 1ms")]
    [InlineData("HEALTHCHECK --timeout=abc CMD x", "time: invalid duration \"abc\"")]
    [InlineData("HEALTHCHECK --timeout=10 CMD x", "time: missing unit in duration \"10\"")]
    [InlineData("HEALTHCHECK --boo=1 CMD x", "unknown flag: --boo")]
    [InlineData("COPY a <<EOF\nx\nEOF", "COPY cannot accept a heredoc as a destination")]
    public void InstructionErrors(string line, string message)
    {
        var e = Error("FROM scratch\n" + line + "\n");
        Assert.Equal($"Dockerfile:2: {message}", e.Message);
        Assert.Equal(message, e.Reason);
    }

    [Fact]
    public void FromRules()
    {
        Assert.Equal("Dockerfile:1: FROM requires either one or three arguments", Error("FROM a b\n").Message);
        Assert.Equal("Dockerfile:1: invalid name for build stage: \"1st\", name can't start with a number or contain symbols", Error("FROM a AS 1st\n").Message);
        Assert.Equal("Dockerfile:1: unknown flag: --platfrm (did you mean platform?)", Error("FROM --platfrm=x a\n").Message);
        var stage = Parse("FROM --platform=$BUILDPLATFORM golang:1.22 As Builder\n").Stages[0];
        Assert.Equal("builder", stage.Name);
        Assert.Equal("golang:1.22", stage.BaseName);
        Assert.Equal("$BUILDPLATFORM", stage.Platform);
    }

    [Fact]
    public void DuplicateStageNamesAreRejected()
    {
        Assert.Equal("Dockerfile:2: Duplicate stage name \"a\", stage names should be unique", Error("FROM x AS a\nFROM y AS A\n").Message);
    }

    [Fact]
    public void OnlyArgMayComeBeforeFrom()
    {
        var df = Parse("ARG V=1\nARG W\nFROM alpine:$V\nARG V\n");
        Assert.Equal(2, df.MetaArgs.Count);
        Assert.Equal(new ArgDefinition("V", "1"), df.MetaArgs[0].Args[0]);
        Assert.Equal(new ArgDefinition("W", null), df.MetaArgs[1].Args[0]);
        Assert.Single(df.Stages[0].Commands);
        Assert.Equal("Dockerfile:2: no build stage in current context", Error("ARG V\nRUN x\nFROM a\n").Message);
    }

    [Fact]
    public void NoStageIsAnError()
    {
        Assert.Equal("Dockerfile: dockerfile contains no stages to build", Error("ARG A=1\n").Message);
        Assert.Equal(0, Error("ARG A=1\n").Line);
    }

    [Fact]
    public void StagesGroupInstructions()
    {
        var df = Parse("FROM a AS one\nRUN x\nENV A=b\nFROM one\nCOPY --from=one /x /y\n");
        Assert.Equal(2, df.Stages.Count);
        Assert.Equal(0, df.Stages[0].Index);
        Assert.Equal(1, df.Stages[1].Index);
        Assert.IsType<RunInstruction>(df.Stages[0].Commands[0]);
        Assert.IsType<EnvInstruction>(df.Stages[0].Commands[1]);
        Assert.Equal("one", Assert.IsType<CopyInstruction>(df.Stages[1].Commands[0]).From);
        Assert.Equal(5, df.Stages[1].Commands[0].Line);
    }

    [Fact]
    public void RunShellAndExecForms()
    {
        var shell = One<RunInstruction>("RUN echo  hi   there");
        Assert.True(shell.Command.PrependShell);
        Assert.Equal(["echo  hi   there"], shell.Command.Args!);
        Assert.Equal("default", shell.Network);
        Assert.Equal("sandbox", shell.Security);
        var exec = One<RunInstruction>("RUN [\"echo\", \"hi\"]");
        Assert.False(exec.Command.PrependShell);
        Assert.Equal(["echo", "hi"], exec.Command.Args!);
        Assert.Equal("RUN", exec.Name);
        Assert.Equal("RUN [\"echo\", \"hi\"]", exec.ToString());
    }

    [Fact]
    public void RunFlags()
    {
        var run = One<RunInstruction>("RUN --network=none --security=insecure --mount=type=cache,target=/c --mount=from=build,src=/o,dst=/i make");
        Assert.Equal("none", run.Network);
        Assert.Equal("insecure", run.Security);
        Assert.Equal(2, run.MountSpecs.Count);
        Assert.Equal("build", run.Mounts[1].From);
        Assert.Equal(["mount", "network", "security"], run.FlagsUsed);
    }

    [Fact]
    public void RunHeredocIsCarried()
    {
        var run = One<RunInstruction>("RUN <<EOF\necho hi\nEOF");
        var file = Assert.Single(run.Command.Files);
        Assert.Equal("EOF", file.Name);
        Assert.Equal("echo hi\n", file.Data);
        Assert.Equal(["<<EOF"], run.Command.Args!);
    }

    [Fact]
    public void CmdAndEntrypoint()
    {
        Assert.Equal(["a", "b"], One<CmdInstruction>("CMD [\"a\", \"b\"]").Command.Args!);
        Assert.True(One<CmdInstruction>("CMD a b").Command.PrependShell);
        Assert.Null(One<EntrypointInstruction>("ENTRYPOINT []").Command.Args);
        Assert.Empty(One<CmdInstruction>("CMD []").Command.Args!);
    }

    [Fact]
    public void CopyFlags()
    {
        var c = One<CopyInstruction>("COPY --from=build --chown=1:2 --chmod=0755 --link --parents --exclude=*.md --exclude=tmp a b /dst/");
        Assert.Equal("build", c.From);
        Assert.Equal("1:2", c.Chown);
        Assert.Equal("0755", c.Chmod);
        Assert.True(c.Link);
        Assert.True(c.Parents);
        Assert.Equal(["*.md", "tmp"], c.ExcludePatterns);
        Assert.Equal(["a", "b"], c.SourcePaths);
        Assert.Equal("/dst/", c.DestPath);
        Assert.Equal("Dockerfile:2: unknown flag: --checksum", Error("FROM a\nCOPY --checksum=sha256:x a b\n").Message);
    }

    [Fact]
    public void AddFlags()
    {
        var a = One<AddInstruction>("ADD --checksum=sha256:abc --keep-git-dir=false --unpack https://x/y.tar.gz /d");
        Assert.Equal("sha256:abc", a.Checksum);
        Assert.False(a.KeepGitDir);
        Assert.True(a.Unpack);
        var plain = One<AddInstruction>("ADD a /d");
        Assert.Null(plain.KeepGitDir);
        Assert.Null(plain.Unpack);
        Assert.Equal("Dockerfile:2: unknown flag: --from", Error("FROM a\nADD --from=x a b\n").Message);
    }

    [Fact]
    public void CopyHeredocSources()
    {
        var c = One<CopyInstruction>("COPY <<EOF <<-\"TABS\" /dst/\nhello $X\nEOF\n\tindented\nTABS");
        Assert.Empty(c.SourcePaths);
        Assert.Equal(2, c.SourceContents.Count);
        Assert.Equal(new SourceContent("EOF", "hello $X\n", true), c.SourceContents[0]);
        Assert.Equal(new SourceContent("TABS", "indented\n", false), c.SourceContents[1]);
    }

    [Fact]
    public void EnvAndLabelPairs()
    {
        var env = One<EnvInstruction>("ENV A=1 B=\"two words\"");
        Assert.Equal([new KeyValue("A", "1"), new KeyValue("B", "\"two words\"")], env.Env);
        var legacy = One<EnvInstruction>("ENV A one two");
        Assert.Equal(new KeyValue("A", "one two", NoDelim: true), Assert.Single(legacy.Env));
        Assert.Equal("A=one two", legacy.Env[0].ToString());
        Assert.Equal(2, One<LabelInstruction>("LABEL a=b c=d").Labels.Count);
    }

    [Fact]
    public void ExposeIsSorted()
    {
        Assert.Equal(["443", "80/udp", "8080"], One<ExposeInstruction>("EXPOSE 8080 80/udp 443").Ports);
    }

    [Fact]
    public void VolumeForms()
    {
        Assert.Equal(["/a", "/b"], One<VolumeInstruction>("VOLUME /a /b").Volumes);
        Assert.Equal(["/c"], One<VolumeInstruction>("VOLUME [\"/c\"]").Volumes);
    }

    [Fact]
    public void OnbuildExpression()
    {
        var o = One<OnbuildInstruction>("onbuild RUN echo hi");
        Assert.Equal("RUN echo hi", o.Expression);
        Assert.Equal("onbuild", o.Source.Keyword);
    }

    [Fact]
    public void Healthcheck()
    {
        var h = One<HealthcheckInstruction>("HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=2s --start-interval=1.5s --retries=3 CMD curl -f http://x/").Health;
        Assert.Equal(["CMD-SHELL", "curl -f http://x/"], h.Test!);
        Assert.Equal(90_000_000_000L, h.Interval);
        Assert.Equal(500_000_000L, h.Timeout);
        Assert.Equal(2_000_000_000L, h.StartPeriod);
        Assert.Equal(1_500_000_000L, h.StartInterval);
        Assert.Equal(3, h.Retries);
        Assert.Equal(["CMD", "a", "b"], One<HealthcheckInstruction>("HEALTHCHECK CMD [\"a\", \"b\"]").Health.Test!);
        Assert.Equal(["NONE"], One<HealthcheckInstruction>("HEALTHCHECK none").Health.Test!);
        Assert.Equal(0, One<HealthcheckInstruction>("HEALTHCHECK --interval=0s CMD x").Health.Interval);
    }

    [Fact]
    public void ParseInstructionThrowsWithLine()
    {
        var node = DockerfileParser.Parse("FROM a\n\nBOGUS\n").Root.Children[1];
        var e = Assert.Throws<InstructionException>(() => InstructionParser.ParseInstruction(node));
        Assert.Equal(3, e.Line);
    }
}
