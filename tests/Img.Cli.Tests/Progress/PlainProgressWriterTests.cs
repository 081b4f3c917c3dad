using Img.Cli.Progress;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Messages.Builds;
using Img.Messages.Builds.Events;

namespace Img.Cli.Tests.Progress;

/// <summary>The plain display prints BuildKit's blocks (expected text as BuildKit's plain printer lays it out).</summary>
public sealed class PlainProgressWriterTests
{
    private static readonly BuildId Build = BuildId.New();
    private static readonly OpDigest A = Digest("a");
    private static readonly OpDigest B = Digest("b");
    private static readonly OpDigest C = Digest("c");

    private static OpDigest Digest(string seed) =>
        new OpDigest("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed))));

    [Fact]
    public void Blocks_are_separated_by_an_empty_line_and_an_interrupted_vertex_repeats_its_header()
    {
        var output = new StringWriter();
        var display = new PlainProgressWriter(output);

        display.Write(new VertexStarted(Build, A, "[1/3] RUN a"));
        display.Write(new VertexLog(Build, A, VertexLogStream.Stdout, "one"));
        display.Write(new VertexCached(Build, B, "[2/3] COPY b /"));
        display.Write(new VertexLog(Build, A, VertexLogStream.Stdout, "two"));
        display.Write(new VertexCompleted(Build, A, "[1/3] RUN a", 1250));
        display.Write(new VertexStarted(Build, C, "[3/3] RUN c"));
        display.Write(new VertexFailed(Build, C, "[3/3] RUN c", "exit code: 1", 100));
        display.Complete();

        var text = Stamps().Replace(output.ToString(), "T");
        Assert.Equal("""
            #1 [1/3] RUN a
            #1 T one
            #1 ...

            #2 [2/3] COPY b /
            #2 CACHED

            #1 [1/3] RUN a
            #1 T two
            #1 DONE 1.3s

            #3 [3/3] RUN c
            #3 ERROR: exit code: 1

            """.Replace("\r\n", "\n"), text);
    }

    [Fact]
    public void Steps_show_status_lines_and_cancelled_vertices_end_as_canceled()
    {
        var output = new StringWriter();
        var display = new PlainProgressWriter(output);

        var step = display.Begin("[internal] load build definition from Dockerfile");
        step.Status("transferring dockerfile: 521B");
        step.Done();
        display.Write(new VertexStarted(Build, A, "[1/2] RUN sleep 30"));
        display.Status(A, "resolve something", TimeSpan.FromSeconds(1));
        display.Cancel();
        display.Complete();

        Assert.StartsWith("""
            #1 [internal] load build definition from Dockerfile
            #1 transferring dockerfile: 521B done
            #1 DONE 0.0s

            #2 [1/2] RUN sleep 30

            """.Replace("\r\n", "\n"), output.ToString());
        Assert.EndsWith("#2 CANCELED\n", output.ToString());
        Assert.Contains("#2 resolve something 1.0s done\n", output.ToString());
    }

    private static System.Text.RegularExpressions.Regex Stamps() => new(@"(?<=#\d+ )\d+\.\d{3}(?= )");
}
