using Img.Cli.CommandLine;

namespace Img.Cli.Commands.Build;

/// <summary>
/// <c>--ssh default|ID[=SOCKET|KEY[,KEY...]]</c> as buildx reads it: <c>default</c> (or an id
/// without a value) is the agent of <c>SSH_AUTH_SOCK</c>; a value is an agent socket, or private
/// key files that a fresh <c>ssh-agent</c> holds for the build (<see cref="SshKeyAgent"/>).
/// </summary>
public static class SshForwardSpec
{
    /// <summary>One <c>--ssh</c> value: the id, and the sockets or key files (empty = <c>SSH_AUTH_SOCK</c>).</summary>
    public sealed record Entry(string Id, IReadOnlyList<string> Paths);

    public static IReadOnlyList<Entry> Parse(IEnumerable<string> values)
    {
        var result = new List<Entry>();
        foreach (var value in values)
        {
            var eq = value.IndexOf('=');
            var id = eq < 0 ? value : value[..eq];
            if (id.Length == 0)
                throw new UsageException($"invalid argument \"{value}\" for \"--ssh\" flag: id is required", "build");
            var paths = eq < 0 ? [] : value[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
            result.Add(new Entry(id, paths));
        }
        return result;
    }
}
