using Img.Cli.CommandLine;
using Img.Cli.Commands;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Content.Local;
using Img.Engine.Exporters;
using Img.Engine.Images;
using Img.Engine.Images.Local;
using Img.Engine.References;
using Img.Engine.State;

namespace Img.Cli.Hosting;

/// <summary>
/// What a command that touches the state directory works in: the directory (resolved from
/// <c>--state</c> / <c>IMG_STATE</c> and created), its <see cref="StateLock"/> held for the
/// whole command (a second img process waits, saying so on stderr once), the content store and
/// the image store. <see cref="RunAsync"/> opens it, runs the command body, releases the lock,
/// and turns the engine's expected failures (unknown image, bad reference, corrupt archive...)
/// into <see cref="UserFacingException"/> so they print as <c>ERROR: message</c> with exit 1.
/// </summary>
public sealed class StateScope : IDisposable
{
    private readonly StateLock _lock;

    private StateScope(StateDirectory state, StateLock stateLock, LocalContentStore content, LocalImageStore images)
    {
        State = state;
        _lock = stateLock;
        Content = content;
        Images = images;
    }

    public StateDirectory State { get; }
    public LocalContentStore Content { get; }
    public LocalImageStore Images { get; }

    /// <summary>Scratch space on the state directory's file system (<c>&lt;state&gt;/tmp</c>).</summary>
    public string TempRoot => State.TempRoot;

    /// <summary>Resolves and creates the state directory, then waits for its lock.</summary>
    public static async Task<StateScope> OpenAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var state = StateDirectory.Resolve(context.StateFlag).EnsureCreated();
        var stateLock = await StateLock.AcquireAsync(state.Root, message => context.Error.WriteLine(message), cancellationToken);
        try
        {
            return new StateScope(state, stateLock, LocalContentStore.Open(state), LocalImageStore.Open(state));
        }
        catch
        {
            stateLock.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="body"/> in a scope, mapping expected failures to <see cref="UserFacingException"/>.</summary>
    public static async Task<int> RunAsync(CommandContext context, Func<StateScope, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            using var scope = await OpenAsync(context, cancellationToken);
            return await body(scope);
        }
        catch (Exception e) when (ToUserFacing(e) is { } userFacing)
        {
            throw userFacing;
        }
    }

    /// <summary>The user-facing form of an expected failure, or null for bugs and for exceptions the app already handles.</summary>
    public static UserFacingException? ToUserFacing(Exception e) => e switch
    {
        UserFacingException or UsageException or OperationCanceledException => null,
        ImageNotFoundException or InvalidReferenceException or ArchiveFormatException or UnsafeArchiveEntryException
            or ContentNotFoundException or ContentVerificationException or InvalidDigestException
            or InvalidDataException or NotSupportedException or FormatException => new UserFacingException(e.Message, 1, e),
        UnauthorizedAccessException or IOException => new UserFacingException(e.Message, 1, e),
        InvalidOperationException when e.Message.Contains("state directory", StringComparison.Ordinal) => new UserFacingException(e.Message, 1, e),
        _ => null,
    };

    public void Dispose() => _lock.Dispose();
}
