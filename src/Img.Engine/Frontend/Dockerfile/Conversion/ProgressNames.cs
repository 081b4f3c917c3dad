using System.Globalization;
using Img.Engine.Frontend.Dockerfile.Shell;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>Vertex descriptions as BuildKit prints them: <c>[stage-1 2/5] RUN make</c>.</summary>
internal static class ProgressNames
{
    /// <summary>Numbers the next step of <paramref name="d"/> and prefixes <paramref name="text"/>.</summary>
    public static string Prefix(DispatchState d, string text)
    {
        if (d.CommandTotal == 0)
            return text;
        var prefix = "[";
        if (d.StageName.Length > 0)
            prefix += d.StageName + " ";
        d.CommandIndex++;
        var width = (int)(1 + Math.Log10(d.CommandTotal));
        prefix += d.CommandIndex.ToString(CultureInfo.InvariantCulture).PadLeft(width) + "/" +
                  d.CommandTotal.ToString(CultureInfo.InvariantCulture) + "] ";
        if (d.CommandIsOnBuild)
            prefix += "ONBUILD ";
        return prefix + text;
    }

    /// <summary>The instruction text with variables expanded (unset ones left as written), keyword upper-cased.</summary>
    public static string Command(ConversionContext ctx, string source, IShellEnvironment env)
    {
        var lexer = new ShellLexer(ctx.Lexer.EscapeToken) { RawQuotes = true, SkipUnsetEnv = true };
        string expanded;
        try
        {
            expanded = lexer.ProcessWord(source, env);
        }
        catch (ShellExpansionException)
        {
            expanded = source;
        }
        var space = expanded.IndexOf(' ');
        return space < 0 ? expanded.ToUpperInvariant() : expanded[..space].ToUpperInvariant() + expanded[space..];
    }
}
