using Img.Cli.Commands.Images.Formatting;

namespace Img.Cli.Tests.Images;

/// <summary>Go's printing of the values docker's templates see (expected strings from Go's fmt and time packages).</summary>
public sealed class GoValueTests
{
    // the formatting itself is Text/GoDuration's (tests/Img.Engine.Tests/Text/GoDurationTests)
    [Theory]
    [InlineData(90_000_000_000L, "1m30s")]
    [InlineData(0L, "0s")]
    public void Durations_print_like_go(long nanoseconds, string expected) =>
        Assert.Equal(expected, new GoDuration(nanoseconds).Print());

    [Fact]
    public void Times_print_and_encode_like_go()
    {
        var time = new DateTimeOffset(2026, 11, 27, 19, 39, 52, TimeSpan.Zero).AddTicks(7103181);
        Assert.Equal("2026-11-27 19:39:52.7103181 +0000 UTC", new GoTime(time).Print());
        Assert.Equal("\"2026-11-27T19:39:52.7103181Z\"", GoJson.Serialize(new GoTime(time)));
        Assert.Equal("2024-01-01 00:00:00 +0000 UTC", new GoTime(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)).Print());
    }

    [Fact]
    public void Nil_and_empty_collections_differ_in_json_only()
    {
        Assert.Equal("[]", GoList.NilStrings.Print());
        Assert.Equal("null", GoJson.Serialize(GoList.NilStrings));
        Assert.Equal("[]", GoJson.Serialize(GoList.Strings([])));
        Assert.Equal("map[]", GoMap.Strings(null).Print());
        Assert.Equal("null", GoJson.Serialize(GoMap.Strings(null)));
        Assert.Equal("map[a:1 b:2]", GoMap.Strings([new("b", "2"), new("a", "1")]).Print());
        Assert.Equal("<nil>", new GoPointer(null, "int").Print());
    }
}
