namespace Img.Cli.CommandLine;

/// <summary>
/// <c>--build-arg</c>/<c>--label</c> values as docker reads them: <c>K=V</c>, or a bare <c>K</c>
/// that takes its value from the environment (and is dropped when unset).
/// </summary>
public static class BuildArgs
{
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> values, string flag, bool fromEnvironment = true)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            var eq = v.IndexOf('=');
            if (eq == 0)
                throw new UsageException($"invalid argument \"{v}\" for \"--{flag}\" flag: variable name is empty", null, 125);
            if (eq > 0)
            {
                result[v[..eq]] = v[(eq + 1)..];
            }
            else if (fromEnvironment)
            {
                if (Environment.GetEnvironmentVariable(v) is { } env)
                    result[v] = env;
            }
            else
            {
                result[v] = "";
            }
        }
        return result;
    }
}
