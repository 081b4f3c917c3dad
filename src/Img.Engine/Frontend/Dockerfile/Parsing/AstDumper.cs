using System.Runtime.CompilerServices;
using System.Text;
using Img.Engine.Text;

namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>
/// Prints a syntax tree in BuildKit's <c>Node.Dump()</c> format, the format of the parser's
/// golden files: one <c>(keyword ["--flag"] "arg" ...)</c> per instruction, strings quoted
/// like Go's <c>%q</c>, ONBUILD's nested instruction in its own parentheses.
/// </summary>
public static class AstDumper
{
    /// <summary>The dump, without a final newline (golden files add one).</summary>
    /// <exception cref="InsufficientExecutionStackException">ONBUILD nesting too deep to print.</exception>
    public static string Dump(Node node)
    {
        // Recursive (once per ONBUILD nesting level); a clean error, not a crash, for a line of
        // thousands of ONBUILDs.
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var sb = new StringBuilder(node.Value.ToLowerInvariant());
        if (node.Flags.Count > 0)
            sb.Append(' ').Append(GoQuote.QuoteList(node.Flags));
        foreach (var child in node.Children)
            sb.Append('(').Append(Dump(child)).Append(")\n");
        for (var n = node.Next; n is not null; n = n.Next)
        {
            sb.Append(' ');
            sb.Append(n.Children.Count > 0 ? Dump(n) : GoQuote.Quote(n.Value));
        }
        return GoText.TrimSpace(sb.ToString());
    }
}
