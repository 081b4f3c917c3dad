using Img.Messages.Hosting;
using Akka.Actor;
using Akka.Event;
using Img.Coordinator.Hosting;
using Img.Engine.State;

namespace Img.Actors.Tests.Hosting;

/// <summary>
/// Standalone mode logs through <see cref="StandardErrorLogger"/>: stdout may carry an image
/// (<c>-o type=tar,dest=-</c>), and a logger actor would hold up the actor system's start.
/// </summary>
[Collection(ConsoleCapture.Name)]
public sealed class StandaloneLoggingSpecs : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "img-logging-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task WarningsGoToStandardErrorAndNeverToStandardOutput()
    {
        var state = new StateDirectory(_dir).EnsureCreated();
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(TextWriter.Synchronized(stdout));
        Console.SetError(TextWriter.Synchronized(stderr));
        ActorSystem? system = null;
        try
        {
            system = await ImgActorSystem.CreateAsync(ImgMode.Standalone, new ImgActorSystemOptions());
            system.Log.Warning("img-logging-marker {0}", 42);
            system.Log.Debug("img-logging-debug-marker");
        }
        finally
        {
            if (system is not null)
                await system.Terminate();
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }

        Assert.Contains("img-logging-marker 42", stderr.ToString());
        Assert.DoesNotContain("img-logging-marker", stdout.ToString());
        Assert.DoesNotContain("img-logging-debug-marker", stderr.ToString());
    }

    [Fact]
    public async Task NoLoggerActorIsStarted()
    {
        var state = new StateDirectory(_dir).EnsureCreated();
        var system = await ImgActorSystem.CreateAsync(ImgMode.Standalone, new ImgActorSystemOptions());
        try
        {
            Assert.Equal(["Img.Messages.Hosting.StandardErrorLogger, Img.Messages"], system.Settings.Loggers);
            Assert.IsType<StandardErrorLogger>(system.Settings.StdoutLogger);
        }
        finally
        {
            await system.Terminate();
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>Tests that replace <see cref="Console.Out"/> or <see cref="Console.Error"/> run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCapture
{
    public const string Name = "console capture";
}
