using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// One <c>RUN --mount=...</c> (BuildKit's <c>instructions.Mount</c>). Parsed twice, like
/// upstream: once without an expander while parsing the Dockerfile (only <c>from</c> is read, so
/// stage dependencies are known), then by the converter with the stage's variables expanded.
/// </summary>
public sealed record RunMount
{
    public RunMountType Type { get; init; } = RunMountType.Bind;
    public string From { get; init; } = "";
    public string Source { get; init; } = "";
    public string Target { get; init; } = "";
    public bool ReadOnly { get; init; }
    /// <summary>tmpfs <c>size=</c> in bytes, 0 when unset.</summary>
    public long SizeLimit { get; init; }
    /// <summary><c>id=</c>: the cache id, or the secret/ssh id.</summary>
    public string CacheId { get; init; } = "";
    public CacheSharing? Sharing { get; init; }
    public bool Required { get; init; }
    /// <summary>Secret exposed as this environment variable (<c>env=</c>), null when unset.</summary>
    public string? Env { get; init; }
    public uint? Mode { get; init; }
    public uint? Uid { get; init; }
    public uint? Gid { get; init; }

    private static readonly string[] AllKeys =
    [
        "type", "from", "source", "target", "readonly", "id", "sharing", "required", "size", "mode",
        "uid", "gid", "src", "dst", "destination", "ro", "rw", "readwrite", "env",
    ];

    private static readonly string[] TypeNames = ["bind", "cache", "tmpfs", "secret", "ssh"];
    private static readonly string[] SharingNames = ["shared", "private", "locked"];

    /// <summary>
    /// Parses one <c>--mount</c> value. With <paramref name="expand"/> null only <c>from</c> is
    /// read (the parse-time pass); otherwise every value goes through <paramref name="expand"/>.
    /// </summary>
    /// <exception cref="InstructionException">With BuildKit's message.</exception>
    public static RunMount Parse(string value, Func<string, string>? expand)
    {
        var m = new RunMount();
        var roAuto = true;
        foreach (var field in SplitCsv(value))
        {
            var eq = field.IndexOf('=');
            var key = (eq < 0 ? field : field[..eq]).ToLowerInvariant();
            var val = eq < 0 ? "" : field[(eq + 1)..];
            if (eq < 0)
            {
                if (expand is null)
                    continue;
                switch (key)
                {
                    case "readonly" or "ro":
                        m = m with { ReadOnly = true };
                        roAuto = false;
                        continue;
                    case "readwrite" or "rw":
                        m = m with { ReadOnly = false };
                        roAuto = false;
                        continue;
                    case "required":
                        if (m.Type is RunMountType.Secret or RunMountType.Ssh)
                        {
                            m = m with { Required = true };
                            continue;
                        }
                        throw new InstructionException($"unexpected key '{key}' for mount type '{TypeName(m.Type)}'");
                    default:
                        throw new InstructionException($"invalid field '{field}' must be a key=value pair");
                }
            }
            if (expand is not null)
            {
                val = expand(val);
            }
            else if (key == "from")
            {
                var idx = val.IndexOf('$');
                if (idx != -1 && idx != val.Length - 1)
                    throw new InstructionException($"'{key}' doesn't support variable expansion, define alias stage instead");
            }
            else
            {
                continue;
            }

            switch (key)
            {
                case "type":
                    var t = Array.IndexOf(TypeNames, val.ToLowerInvariant());
                    if (t < 0)
                        throw new InstructionException(Suggest.WithHint($"unsupported mount type \"{val}\"", val, TypeNames, true));
                    m = m with { Type = (RunMountType)t };
                    break;
                case "from":
                    m = m with { From = val };
                    break;
                case "source" or "src":
                    m = m with { Source = val };
                    break;
                case "target" or "dst" or "destination":
                    m = m with { Target = val };
                    break;
                case "readonly" or "ro":
                    m = m with { ReadOnly = ParseBool(key, val) };
                    roAuto = false;
                    break;
                case "readwrite" or "rw":
                    m = m with { ReadOnly = !ParseBool(key, val) };
                    roAuto = false;
                    break;
                case "required":
                    if (m.Type is not (RunMountType.Secret or RunMountType.Ssh))
                        throw new InstructionException($"unexpected key '{key}' for mount type '{TypeName(m.Type)}'");
                    m = m with { Required = ParseBool(key, val) };
                    break;
                case "size":
                    if (m.Type != RunMountType.Tmpfs)
                        throw new InstructionException($"unexpected key '{key}' for mount type '{TypeName(m.Type)}'");
                    m = m with { SizeLimit = RamInBytes(val) ?? throw new InstructionException($"invalid value for {key}: {val}") };
                    break;
                case "id":
                    m = m with { CacheId = val };
                    break;
                case "sharing":
                    var s = Array.IndexOf(SharingNames, val.ToLowerInvariant());
                    if (s < 0)
                        throw new InstructionException(Suggest.WithHint($"unsupported sharing value \"{val}\"", val, SharingNames, true));
                    m = m with { Sharing = (CacheSharing)s };
                    break;
                case "mode":
                    m = m with { Mode = ParseUInt(val, 8) ?? throw new InstructionException($"invalid value {val} for mode") };
                    break;
                case "uid":
                    m = m with { Uid = ParseUInt(val, 10) ?? throw new InstructionException($"invalid value {val} for uid") };
                    break;
                case "gid":
                    m = m with { Gid = ParseUInt(val, 10) ?? throw new InstructionException($"invalid value {val} for gid") };
                    break;
                case "env":
                    m = m with { Env = val };
                    break;
                default:
                    throw new InstructionException(Suggest.WithHint($"unexpected key '{key}' in '{field}'", key, AllKeys, true));
            }
        }

        var fileInfoAllowed = m.Type is RunMountType.Secret or RunMountType.Ssh or RunMountType.Cache;
        if (!fileInfoAllowed)
        {
            if (m.Mode is not null)
                throw new InstructionException($"mode not allowed for \"{TypeName(m.Type)}\" type mounts");
            if (m.Uid is not null)
                throw new InstructionException($"uid not allowed for \"{TypeName(m.Type)}\" type mounts");
            if (m.Gid is not null)
                throw new InstructionException($"gid not allowed for \"{TypeName(m.Type)}\" type mounts");
        }
        if (roAuto)
            m = m with { ReadOnly = m.Type is not (RunMountType.Cache or RunMountType.Tmpfs) };
        if (m.Type == RunMountType.Secret)
        {
            if (m.From.Length > 0)
                throw new InstructionException("secret mount should not have a from");
            if (m.Sharing is not null)
                throw new InstructionException("secret mount should not define sharing");
            if (m.Source.Length == 0 && m.Target.Length == 0 && m.CacheId.Length == 0)
                throw new InstructionException("invalid secret mount. one of source, target required");
            if (m.Source.Length > 0 && m.CacheId.Length > 0)
                throw new InstructionException("both source and id can't be set");
        }
        if (m.Sharing is not null && m.Type != RunMountType.Cache)
            throw new InstructionException($"invalid cache sharing set for {TypeName(m.Type)} mount");
        return m;
    }

    public static string TypeName(RunMountType type) => TypeNames[(int)type];

    private static bool ParseBool(string key, string value) => value switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => throw new InstructionException($"invalid value for {key}: {value}"),
    };

    private static uint? ParseUInt(string value, int radix)
    {
        if (value.Length == 0)
            return null;
        ulong result = 0;
        foreach (var c in value)
        {
            var digit = c - '0';
            if (digit < 0 || digit >= radix)
                return null;
            result = result * (ulong)radix + (ulong)digit;
            if (result > uint.MaxValue)
                return null;
        }
        return (uint)result;
    }

    private static readonly Regex RamPattern = new(@"^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$", RegexOptions.CultureInvariant);

    /// <summary>docker/go-units <c>RAMInBytes</c>: binary multiples, <c>64m</c>, <c>1.5GiB</c>, <c>1024</c>.</summary>
    public static long? RamInBytes(string size)
    {
        var match = RamPattern.Match(size);
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return null;
        var unit = match.Groups[3].Value.ToLowerInvariant();
        var multiplier = unit switch
        {
            "k" => 1L << 10, "m" => 1L << 20, "g" => 1L << 30, "t" => 1L << 40, "p" => 1L << 50, _ => 1L,
        };
        return (long)(number * multiplier);
    }

    /// <summary>Splits one CSV record (RFC 4180 quoting), as <c>--mount</c> values are written.</summary>
    internal static IReadOnlyList<string> SplitCsv(string value)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        var i = 0;
        while (true)
        {
            sb.Clear();
            if (i < value.Length && value[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= value.Length)
                        throw new InstructionException($"failed to parse csv mounts: extraneous or missing \" in quoted-field");
                    if (value[i] == '"')
                    {
                        if (i + 1 < value.Length && value[i + 1] == '"')
                        {
                            sb.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    sb.Append(value[i++]);
                }
                if (i < value.Length && value[i] != ',')
                    throw new InstructionException($"failed to parse csv mounts: extraneous or missing \" in quoted-field");
            }
            else
            {
                while (i < value.Length && value[i] != ',')
                {
                    if (value[i] == '"')
                        throw new InstructionException("failed to parse csv mounts: bare \" in non-quoted-field");
                    sb.Append(value[i++]);
                }
            }
            fields.Add(sb.ToString());
            if (i >= value.Length)
                break;
            i++; // the comma
        }
        return fields;
    }
}
