namespace Img.Cli.CommandLine;

/// <summary>
/// Parses docker-style flags: <c>-t x</c>, <c>-tx</c>, <c>--tag x</c>, <c>--tag=x</c>, boolean
/// <c>--flag</c> / <c>--flag=false</c>, grouped short booleans (<c>-qa</c>), and <c>--</c>
/// ending flags. Flags and positionals may be interleaved, as with docker's pflag.
/// </summary>
public static class FlagParser
{
    public static ParsedArgs Parse(string command, IReadOnlyList<FlagSpec> specs, IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var positionals = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                positionals.AddRange(args.Skip(i + 1));
                break;
            }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = a.IndexOf('=');
                var name = eq < 0 ? a[2..] : a[2..eq];
                var spec = specs.FirstOrDefault(s => s.Name == name)
                    ?? throw new UsageException($"unknown flag: --{name}", command);
                string value;
                if (eq >= 0) value = a[(eq + 1)..];
                else if (!spec.TakesValue) value = "true";
                else if (i + 1 < args.Count) value = args[++i];
                else throw new UsageException($"flag needs an argument: --{name}", command);
                Add(values, spec, value);
            }
            else if (a.Length > 1 && a[0] == '-')
            {
                for (var j = 1; j < a.Length; j++)
                {
                    var c = a[j];
                    var spec = specs.FirstOrDefault(s => s.Short == c)
                        ?? throw new UsageException($"unknown shorthand flag: '{c}' in {a}", command);
                    if (!spec.TakesValue)
                    {
                        Add(values, spec, "true");
                        continue;
                    }
                    string value;
                    if (j + 1 < a.Length) value = a[(j + 1)..].TrimStart('=');
                    else if (i + 1 < args.Count) value = args[++i];
                    else throw new UsageException($"flag needs an argument: '{c}' in -{c}", command);
                    Add(values, spec, value);
                    break;
                }
            }
            else
            {
                positionals.Add(a);
            }
        }
        return new ParsedArgs(values, positionals);
    }

    private static void Add(Dictionary<string, List<string>> values, FlagSpec spec, string value)
    {
        if (!values.TryGetValue(spec.Name, out var list))
            values[spec.Name] = list = new List<string>();
        if (!spec.Repeatable) list.Clear();
        list.Add(value);
    }
}
