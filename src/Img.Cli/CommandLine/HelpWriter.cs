using System.Text;
using Img.Cli.Commands;

namespace Img.Cli.CommandLine;

/// <summary>Usage text in docker's layout: usage line, summary, then the option table.</summary>
public static class HelpWriter
{
    public static string ForCommand(string path, ICommand command)
    {
        var sb = new StringBuilder();
        sb.Append("\nUsage:  img ").Append(path).Append(' ').Append(command.Usage).Append("\n\n");
        sb.Append(command.Summary).Append("\n\n");
        if (command is CommandGroup group)
        {
            sb.Append("Commands:\n");
            var w = group.Subcommands.Max(c => c.Name.Length) + 3;
            foreach (var c in group.Subcommands)
                sb.Append("  ").Append(c.Name.PadRight(w)).Append(c.Summary).Append('\n');
            sb.Append('\n');
        }
        var flags = command.Flags.Concat(GlobalFlags.All).ToList();
        sb.Append("Options:\n");
        var rows = flags.Select(f => (Left: Left(f), f.Help)).ToList();
        var width = rows.Max(r => r.Left.Length) + 3;
        foreach (var (left, help) in rows)
            sb.Append("  ").Append(left.PadRight(width)).Append(help).Append('\n');
        return sb.ToString();
    }

    public static string ForRoot(IEnumerable<ICommand> commands)
    {
        var sb = new StringBuilder();
        sb.Append("\nUsage:  img [OPTIONS] COMMAND\n\n");
        sb.Append("Standalone, daemon-less, unprivileged Dockerfile and OCI compatible container image builder.\n\n");
        sb.Append("Commands:\n");
        var list = commands.ToList();
        var width = list.Max(c => c.Name.Length) + 3;
        foreach (var c in list)
            sb.Append("  ").Append(c.Name.PadRight(width)).Append(c.Summary).Append('\n');
        sb.Append("\nGlobal Options:\n");
        foreach (var f in GlobalFlags.All.Concat(GlobalFlags.RootOnly))
            sb.Append("  ").Append(Left(f).PadRight(22)).Append(f.Help).Append('\n');
        sb.Append("\nRun 'img COMMAND --help' for more information on a command.\n");
        return sb.ToString();
    }

    private static string Left(FlagSpec f)
    {
        var s = f.Short is { } c ? $"-{c}, --{f.Name}" : $"    --{f.Name}";
        if (f.TakesValue) s += " " + (f.ValueName ?? (f.Repeatable ? "list" : "string"));
        return s;
    }
}
