namespace Img.Cli.Commands.Build;

/// <summary>
/// How a failed build reads, in buildx's words: BuildKit wraps what failed in
/// <c>failed to solve: </c>, and buildx (0.25 and later) wraps that in <c>failed to build: </c>.
/// A cancelled build is gRPC's <c>Canceled: context canceled</c>, and buildx exits 130 for it
/// whichever signal caused it.
/// </summary>
public static class SolveErrors
{
    public const string Cancelled = "failed to build: failed to solve: Canceled: context canceled";

    public const int CancelledExitCode = 130;

    public static string Failed(string error) => "failed to build: failed to solve: " + error;
}
