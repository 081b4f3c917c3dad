using Img.Engine.Frontend.Dockerfile.Parsing;
using Xunit;

namespace Img.Engine.Tests.Frontend.Parsing;

/// <summary>BuildKit's golden parser cases, discovered from the copied conformance data.</summary>
public sealed class ParserConformanceTests
{
    private static readonly string Root =
        Path.Combine(AppContext.BaseDirectory, "Conformance", "dockerfile-parser");

    public static TheoryData<string> PositiveCases() => Cases("testfiles");

    public static TheoryData<string> NegativeCases() => Cases("testfiles-negative");

    private static TheoryData<string> Cases(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(Root, folder)).Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(dir));
        return data;
    }

    [Theory]
    [MemberData(nameof(PositiveCases))]
    public void Dump_matches_golden_result(string name)
    {
        var dir = Path.Combine(Root, "testfiles", name);
        using var dockerfile = File.OpenRead(Path.Combine(dir, "Dockerfile"));

        var result = DockerfileParser.Parse(dockerfile);

        var expected = File.ReadAllText(Path.Combine(dir, "result"));
        Assert.Equal(expected, AstDumper.Dump(result.Root) + "\n");
    }

    [Theory]
    [MemberData(nameof(NegativeCases))]
    public void Invalid_dockerfile_is_rejected(string name)
    {
        using var dockerfile = File.OpenRead(Path.Combine(Root, "testfiles-negative", name, "Dockerfile"));

        Assert.Throws<DockerfileParseException>(() => DockerfileParser.Parse(dockerfile));
    }

    [Fact]
    public void Every_conformance_folder_is_present()
    {
        Assert.NotEmpty(PositiveCases());
        Assert.NotEmpty(NegativeCases());
    }
}
