using Img.Engine.Frontend.Dockerfile.Shell;
using Xunit;

namespace Img.Engine.Tests.Frontend.Shell;

/// <summary>
/// Runs every line of BuildKit's shell conformance files (conformance/SOURCE.md): one theory case
/// per line, named by its line number.
/// </summary>
public sealed class ShellConformanceTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Conformance", "dockerfile-shell");

    private static readonly DictionaryShellEnvironment EnvVarTestEnvironment =
        DictionaryShellEnvironment.FromPairs(["PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="]);

    public static TheoryData<int, string, string, string> EnvVarLines()
    {
        var data = new TheoryData<int, string, string, string>();
        foreach (var line in ReadEnvVarTest())
        {
            // Windows-only lines describe case-insensitive variable names; we are Linux.
            if (line.Platform != "W")
            {
                data.Add(line.Number, line.Platform, line.Input, line.Expected);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EnvVarLines))]
    public void EnvVarTest(int line, string platform, string input, string expected)
    {
        Assert.Contains(platform, new[] { "A", "U" });
        var lexer = new ShellLexer('\\');
        if (expected == "error")
        {
            var ex = Assert.Throws<ShellExpansionException>(() => lexer.ProcessWord(input, EnvVarTestEnvironment));
            Assert.StartsWith("failed to process ", ex.Message);
        }
        else
        {
            Assert.True(line > 0);
            Assert.Equal(expected, lexer.ProcessWord(input, EnvVarTestEnvironment));
        }
    }

    [Fact]
    public void EnvVarTestFileIsWellFormed()
    {
        var lines = ReadEnvVarTest();
        Assert.All(lines, l => Assert.Contains(l.Platform, new[] { "A", "U", "W" }));
        Assert.True(lines.Count > 200, $"only {lines.Count} cases read");
    }

    public static TheoryData<int, string, string, string> WordsLines()
    {
        var data = new TheoryData<int, string, string, string>();
        var env = new List<string>();
        int number = 0;
        foreach (var raw in File.ReadLines(Path.Combine(Folder, "wordsTest")))
        {
            number++;
            if (raw.StartsWith('#'))
            {
                continue;
            }
            if (raw.StartsWith("ENV ", StringComparison.Ordinal))
            {
                // Only leading blanks go: some values end in significant spaces.
                env.Add(raw[3..].TrimStart(' '));
                continue;
            }
            var fields = raw.Split('|');
            if (fields.Length != 2)
            {
                throw new InvalidDataException($"wordsTest line {number}: expected exactly one '|': {raw}");
            }
            data.Add(number, fields[0].Trim(), fields[1].TrimStart(' '), string.Join('\n', env));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(WordsLines))]
    public void WordsTest(int line, string input, string expected, string environment)
    {
        var env = DictionaryShellEnvironment.FromPairs(environment.Length == 0 ? [] : environment.Split('\n'));
        var lexer = new ShellLexer('\\');
        IReadOnlyList<string> words;
        try
        {
            words = lexer.ProcessWords(input, env);
        }
        catch (ShellExpansionException)
        {
            words = ["error"];
        }
        Assert.True(line > 0);
        Assert.Equal(expected.Split(','), words);
    }

    private sealed record EnvVarLine(int Number, string Platform, string Input, string Expected);

    private static List<EnvVarLine> ReadEnvVarTest()
    {
        var result = new List<EnvVarLine>();
        int number = 0;
        foreach (var raw in File.ReadLines(Path.Combine(Folder, "envVarTest")))
        {
            number++;
            if (raw.StartsWith('#'))
            {
                continue;
            }
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }
            var fields = line.Split('|');
            if (fields.Length != 3)
            {
                throw new InvalidDataException($"envVarTest line {number}: expected three fields: {raw}");
            }
            result.Add(new EnvVarLine(number, fields[0].Trim(), fields[1].Trim(), fields[2].Trim()));
        }
        return result;
    }
}
