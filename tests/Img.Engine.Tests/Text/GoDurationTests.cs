using Img.Engine.Text;
using Xunit;

namespace Img.Engine.Tests.Text;

public class GoDurationTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1s", 1_000_000_000L)]
    [InlineData("1m30s", 90_000_000_000L)]
    [InlineData("1.5h", 5_400_000_000_000L)]
    [InlineData("500ms", 500_000_000L)]
    [InlineData("10us", 10_000L)]
    [InlineData("2µs", 2_000L)]
    [InlineData("-3s", -3_000_000_000L)]
    [InlineData(".5s", 500_000_000L)]
    public void Parses(string text, long nanos) => Assert.Equal(nanos, GoDuration.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("1")]
    [InlineData("1x")]
    [InlineData("1.s.")]
    public void Rejects(string text) => Assert.Throws<FormatException>(() => GoDuration.Parse(text));

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(30_000_000_000L, "30s")]
    [InlineData(90_000_000_000L, "1m30s")]
    [InlineData(1_500_000_000L, "1.5s")]
    [InlineData(500_000_000L, "500ms")]
    [InlineData(3_600_000_000_000L, "1h0m0s")]
    [InlineData(1_500L, "1.5µs")]
    [InlineData(7L, "7ns")]
    [InlineData(-5_000_000_000L, "-5s")]
    [InlineData(9_930_500_000_000L, "2h45m30.5s")]
    [InlineData(long.MinValue, "-2562047h47m16.854775808s")]
    public void Formats(long nanos, string text) => Assert.Equal(text, GoDuration.Format(nanos));
}
