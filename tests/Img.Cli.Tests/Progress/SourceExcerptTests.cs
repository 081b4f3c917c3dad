using Img.Cli.Commands.Build;
using Img.Cli.Progress;

namespace Img.Cli.Tests.Progress;

/// <summary>BuildKit's failure report and source excerpt (errdefs' Source.Print layout) and its byte sizes.</summary>
public sealed class SourceExcerptTests
{
    private const string Dockerfile = "FROM busybox\nRUN one\nRUN two && \\\n    three\nRUN four\nRUN five\n";

    [Fact]
    public void One_line_instruction_gets_two_lines_each_side_and_the_empty_last_line_counts()
    {
        Assert.Equal("""
            Dockerfile:6
            --------------------
               4 |         three
               5 |     RUN four
               6 | >>> RUN five
               7 |     
            --------------------

            """.Replace("\r\n", "\n"), SourceExcerpt.Format("Dockerfile", Dockerfile, 6));
        Assert.StartsWith("Dockerfile:1\n--------------------\n   1 | >>> FROM busybox\n   2 |     RUN one\n   3 |     RUN two && \\\n--------------------\n",
            SourceExcerpt.Format("Dockerfile", Dockerfile, 1));
    }

    [Fact]
    public void Every_line_of_a_continued_instruction_is_marked_with_one_line_around()
    {
        Assert.Equal("""
            Dockerfile:3
            --------------------
               2 |     RUN one
               3 | >>> RUN two && \
               4 | >>>     three
               5 |     RUN four
            --------------------

            """.Replace("\r\n", "\n"), SourceExcerpt.Format("Dockerfile", Dockerfile, 3));
    }

    [Fact]
    public void The_report_lists_the_stamped_last_lines_between_rules()
    {
        var report = FailureReport.Format("[2/6] RUN one", ["0.051 hello", "0.052 world"], "Dockerfile", Dockerfile, 2);
        Assert.StartsWith("------\n > [2/6] RUN one:\n0.051 hello\n0.052 world\n------\nDockerfile:2\n", report);
    }

    [Theory]
    [InlineData(2L, "2B")]
    [InlineData(999L, "999B")]
    [InlineData(2340L, "2.34kB")]
    [InlineData(2000L, "2.00kB")]
    [InlineData(1_500_000L, "1.50MB")]
    public void Sizes_print_in_decimal_units(long bytes, string expected) => Assert.Equal(expected, DecimalBytes.Format(bytes));
}
