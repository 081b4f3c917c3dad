using Akka.Event;

namespace Img.Messages.Hosting;

/// <summary>
/// Akka's log sink in standalone mode: one line per event on standard error.
/// Standard output belongs to the command (`img build -o type=tar,dest=-` writes the image
/// there), and as a <see cref="MinimalLogger"/> it is no actor: Akka's default logger is one,
/// and <c>ActorSystem.Create</c> waits tens of milliseconds for it to start.
/// </summary>
public sealed class StandardErrorLogger : MinimalLogger
{
    /// <inheritdoc />
    protected override void Log(object message)
    {
        try
        {
            switch (message)
            {
                case LogEvent e when Filter.ShouldTryKeepMessage(e, out var line):
                    Console.Error.WriteLine(line);
                    break;
                case LogEvent:
                    break;
                default:
                    Console.Error.WriteLine(message);
                    break;
            }
        }
        catch (FormatException e)
        {
            // a log call with a broken format string must not take the build down
            Console.Error.WriteLine($"[ERROR] unprintable log event from {(message as LogEvent)?.LogSource}: {e.Message}");
        }
    }
}
