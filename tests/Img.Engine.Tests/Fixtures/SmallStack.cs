using System.Runtime.ExceptionServices;

namespace Img.Engine.Tests.Fixtures;

/// <summary>
/// Runs code on a thread with a small stack, so that a test of deeply nested input fails by
/// overflowing (which kills the test host) where production's thread-pool threads (1.5 MB)
/// would, instead of passing on the 8 MB main thread by luck.
/// </summary>
internal static class SmallStack
{
    public const int Size = 256 * 1024;

    public static T Run<T>(Func<T> body)
    {
        T result = default!;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = body();
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
        }, Size);
        thread.Start();
        thread.Join();
        error?.Throw();
        return result;
    }

    public static void Run(Action body) => Run(() =>
    {
        body();
        return 0;
    });
}
