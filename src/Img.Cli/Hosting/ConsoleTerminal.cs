using System.Text;

namespace Img.Cli.Hosting;

/// <summary>The process's console as an <see cref="ITerminal"/>: prompts on stdout, secrets read key by key without echo.</summary>
public sealed class ConsoleTerminal : ITerminal
{
    private ConsoleTerminal()
    {
    }

    /// <summary>A terminal when stdin is one, else null.</summary>
    public static ConsoleTerminal? OpenIfInteractive() => Console.IsInputRedirected ? null : new ConsoleTerminal();

    public string? ReadLine(string prompt)
    {
        Console.Out.Write(prompt);
        Console.Out.Flush();
        return Console.ReadLine();
    }

    public string? ReadSecret(string prompt)
    {
        Console.Out.Write(prompt);
        Console.Out.Flush();
        var secret = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    Console.Out.WriteLine();
                    return secret.ToString();
                case ConsoleKey.Backspace:
                    if (secret.Length > 0) secret.Length--;
                    break;
                default:
                    if (key.KeyChar == '\u0004' && secret.Length == 0) // Ctrl-D on an empty line: end of input
                    {
                        Console.Out.WriteLine();
                        return null;
                    }
                    if (!char.IsControl(key.KeyChar)) secret.Append(key.KeyChar);
                    break;
            }
        }
    }
}
