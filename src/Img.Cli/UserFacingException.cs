namespace Img.Cli;

/// <summary>An error the user caused or can act on; printed as <c>ERROR: message</c> without a stack trace.</summary>
public class UserFacingException(string message, int exitCode = 1, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
