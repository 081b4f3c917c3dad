using Img.Engine.Text;
using Xunit;

namespace Img.Engine.Tests.Text;

public sealed class GoQuoteTests
{
    [Theory]
    [InlineData("", "\"\"")]
    [InlineData("plain text", "\"plain text\"")]
    [InlineData("\"q\" \\", "\"\\\"q\\\" \\\\\"")]
    [InlineData("\a\b\f\n\r\t\v", "\"\\a\\b\\f\\n\\r\\t\\v\"")]
    [InlineData("\0\u0001\u001f\u007f", "\"\\x00\\x01\\x1f\\x7f\"")]
    [InlineData("é♥☃한국어", "\"é♥☃한국어\"")]
    [InlineData("\u0085\u00a0\u00ad\u200b\u2028", "\"\\u0085\\u00a0\\u00ad\\u200b\\u2028\"")]
    [InlineData("\ue000", "\"\\ue000\"")]
    [InlineData("\U0001F600", "\"\U0001F600\"")]
    [InlineData("\U0010FFFD", "\"\\U0010fffd\"")]
    [InlineData("'", "\"'\"")]
    public void Quotes_like_go_percent_q(string value, string quoted)
    {
        Assert.Equal(quoted, GoQuote.Quote(value));
    }

    [Fact]
    public void Raw_non_utf8_bytes_print_as_hex_escapes()
    {
        Assert.Equal("\"a\\x80\\xffb\"", GoQuote.Quote(GoText.Decode([(byte)'a', 0x80, 0xFF, (byte)'b'])));
    }

    [Fact]
    public void Flag_lists_are_bracketed_and_space_separated()
    {
        Assert.Equal("[\"--a=1\" \"--b\"]", GoQuote.QuoteList(["--a=1", "--b"]));
    }
}
