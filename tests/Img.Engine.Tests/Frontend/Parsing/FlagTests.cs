using Xunit;
using static Img.Engine.Tests.Frontend.Parsing.ParseHelpers;

namespace Img.Engine.Tests.Frontend.Parsing;

public sealed class FlagTests
{
    [Theory]
    [InlineData("COPY --from=a --chown=1:1 src dst", "(copy [\"--from=a\" \"--chown=1:1\"] \"src\" \"dst\")")]
    [InlineData("COPY --a -- --b dst", "(copy [\"--a\"] \"--b\" \"dst\")")]
    [InlineData("COPY -- --b dst", "(copy \"--b\" \"dst\")")]
    [InlineData("COPY src --from=a dst", "(copy \"src\" \"--from=a\" \"dst\")")]
    [InlineData("RUN -x foo", "(run \"-x foo\")")]
    [InlineData("RUN --mount=\"type=cache,target=/a b\" echo", "(run [\"--mount=type=cache,target=/a b\"] \"echo\")")]
    [InlineData("RUN --mount='a \"b\"' echo", "(run [\"--mount=a \\\"b\\\"\"] \"echo\")")]
    [InlineData("COPY --a=x\\ y src dst", "(copy [\"--a=x y\"] \"src\" \"dst\")")]
    [InlineData("COPY --a=\"\" s d", "(copy [\"--a=\"] \"s\" \"d\")")]
    [InlineData("COPY --link", "(copy [\"--link\"])")]
    [InlineData("CMD --doit -- [ ]", "(cmd [\"--doit\"])")]
    [InlineData("HEALTHCHECK --interval=5s CMD x", "(healthcheck [\"--interval=5s\"] \"CMD\" \"x\")")]
    [InlineData("ONBUILD COPY --from=a x y", "(onbuild (copy [\"--from=a\"] \"x\" \"y\"))")]
    [InlineData("ONBUILD --x RUN y", "(onbuild [\"--x\"] (run \"y\"))")]
    public void Flags_are_taken_only_from_the_start(string dockerfile, string dump)
    {
        Assert.Equal(dump, Dump(dockerfile));
    }

    [Fact]
    public void Flags_are_kept_in_the_node()
    {
        var copy = Instruction("COPY --from=build --chmod=755 a b", 0);

        Assert.Equal(["--from=build", "--chmod=755"], copy.Flags);
        Assert.Equal(["a", "b"], copy.Arguments());
    }

    [Fact]
    public void Backtick_escape_applies_in_flags()
    {
        Assert.Equal("(copy [\"--a=x y\"] \"s\" \"d\")", Dump("# escape=`\nCOPY --a=x` y s d"));
    }

    [Fact]
    public void Non_ascii_flag_text_is_read_bytewise_like_BuildKit()
    {
        // BuildKit turns each UTF-8 byte of a flag into one character.
        Assert.Equal("(copy [\"--chown=Ã©\"] \"a\" \"b\")", Dump("COPY --chown=é a b"));
    }
}
