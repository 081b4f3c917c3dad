using System.Diagnostics;
using Akka.Actor;
using Img.Coordinator.Builds;
using Img.Coordinator.Hosting;
using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Engine.State;
using Img.Messages.Builds;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;
using Img.Messages.Graphs;

// Start-up timing of standalone img: one process per measurement (JIT included), like the CLI.
//   dotnet run -c Release --project bench/startup -- <state-dir> [--no-warmup] [--prep-ms=N] [--verbose]
// Run it twice on the same state dir: the first run builds (and creates cache.db), the second
// is the fully cached rebuild.
var clock = Stopwatch.StartNew();
var stateDir = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : Path.Combine(Path.GetTempPath(), "img-bench-startup");
var warm = !args.Contains("--no-warmup");
var verbose = args.Contains("--verbose");
var state = new StateDirectory(stateDir).EnsureCreated();

var b = new BuildGraphBuilder();
var from = b.Add(new SourceOp(SourceKind.Image, "busybox@sha256:" + new string('1', 64)), new OpMetadata("[1/3] FROM busybox"));
var context = b.Add(new SourceOp(SourceKind.Local, "context"), OpMetadata.Internal("load build context"));
var copy = b.Add(new FileOp(from, [new FileCopyAction(context, "app", "/app")]), new OpMetadata("[2/3] COPY app /app"));
var run = b.Add(new ExecOp(copy, ["/bin/sh", "-c", "make"], [], "/app", ""), new OpMetadata("[3/3] RUN make"));
var export = b.Add(new ImageConfigOp(run, new ImageConfig { Os = "linux", Architecture = "amd64" }), OpMetadata.Internal("exporting to image"));
var graph = b.Build(export.Digest);

await using var runtime = await ImgRuntime.StartStandaloneAsync(state, new Executor(), _ => new Checksums(), 2,
    new ImgActorSystemOptions { WarmUpJournal = warm, ExtraHocon = verbose ? "akka.loglevel = DEBUG\nakka.stdout-loglevel = DEBUG" : null });
var systemReady = clock.Elapsed;
// what the CLI does before its first lookup (parse, convert, stat the context), here simulated
var prepMs = args.Select(a => a.StartsWith("--prep-ms=", StringComparison.Ordinal) ? int.Parse(a[10..]) : -1).Max();
if (prepMs > 0)
    Thread.Sleep(prepMs);
if (args.Contains("--journal-probe"))
{
    // splits the first lookup's cost: journal start, first recovery query, a second one
    var journal = Akka.Persistence.Persistence.Instance.Apply(runtime.System).JournalFor(null);
    Console.WriteLine($"journal started         {clock.ElapsedMilliseconds,7} ms");
    foreach (var pid in new[] { "probe-1", "probe-2", "probe-3" })
    {
        var t0 = clock.ElapsedMilliseconds;
        await journal.Ask<object>((IActorRef replyTo) => new Akka.Persistence.ReplayMessages(1, long.MaxValue, 1, pid, replyTo), TimeSpan.FromSeconds(30), CancellationToken.None);
        Console.WriteLine($"recovery query {pid}   {clock.ElapsedMilliseconds - t0,7} ms");
    }
}
var submitted = clock.ElapsedMilliseconds;

long firstAnswer = 0;
var outcome = await BuildClient.RunAsync(runtime.System, runtime.Builds, new StartBuild(BuildId.New(), BuildGraphCodec.Encode(graph), stateDir),
    e =>
    {
        if (firstAnswer == 0 && e is VertexCached or VertexStarted)
            firstAnswer = clock.ElapsedMilliseconds;
        if (verbose) Console.WriteLine($"{clock.ElapsedMilliseconds,6} ms  {e}");
    }, CancellationToken.None);
var done = clock.Elapsed;

Console.WriteLine($"actor system ready      {systemReady.TotalMilliseconds,7:F0} ms");
Console.WriteLine($"build submitted         {submitted,7} ms");
Console.WriteLine($"first vertex answered   {firstAnswer,7} ms");
Console.WriteLine($"build finished          {done.TotalMilliseconds,7:F0} ms  ({outcome.GetType().Name})");

sealed class Executor : IVertexExecutor
{
    public ValueTask<VertexResult> ExecuteAsync(VertexJob job, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new VertexResult(new CacheResult("snap-" + job.Key.Short)));
}

sealed class Checksums : IContentChecksumProvider
{
    public ValueTask<Digest> ChecksumAsync(SourceOp source, ContentSelection selection, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Digest.Compute(System.Text.Encoding.UTF8.GetBytes(selection.Path)));
}
