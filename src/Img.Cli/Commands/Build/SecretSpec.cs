using Img.Cli.CommandLine;

namespace Img.Cli.Commands.Build;

/// <summary><c>--secret id=ID,src=PATH</c> (or <c>env=VAR</c>), as buildx reads it.</summary>
public static class SecretSpec
{
    /// <summary>Secret id to a host file holding its value; env secrets are written to <paramref name="scratch"/>.</summary>
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> values, string scratch)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            string? id = null, src = null, env = null;
            foreach (var part in value.Split(','))
            {
                var eq = part.IndexOf('=');
                var key = eq < 0 ? part : part[..eq];
                var v = eq < 0 ? "" : part[(eq + 1)..];
                switch (key)
                {
                    case "id": id = v; break;
                    case "src" or "source": src = v; break;
                    case "env": env = v; break;
                    case "type" when v is "file" or "env": break;
                    default:
                        throw new UsageException($"invalid argument \"{value}\" for \"--secret\" flag: unexpected key '{key}' in '{part}'", "build");
                }
            }
            if (string.IsNullOrEmpty(id))
                id = src is not null ? Path.GetFileName(src) : env;
            if (string.IsNullOrEmpty(id))
                throw new UsageException($"invalid argument \"{value}\" for \"--secret\" flag: id is required", "build");
            if (src is null && env is null) env = id;
            if (src is not null)
            {
                var full = Path.GetFullPath(src);
                if (!File.Exists(full))
                    throw new UserFacingException($"failed to stat {src}: no such file or directory (--secret id={id})");
                result[id] = full;
            }
            else
            {
                var content = Environment.GetEnvironmentVariable(env!)
                    ?? throw new UserFacingException($"secret {id}: environment variable {env} is not set");
                Directory.CreateDirectory(scratch);
                var file = Path.Combine(scratch, "secret-" + Guid.NewGuid().ToString("N"));
                File.WriteAllText(file, content);
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                result[id] = file;
            }
        }
        return result;
    }
}
