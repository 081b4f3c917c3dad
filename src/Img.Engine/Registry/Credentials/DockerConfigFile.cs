using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Img.Engine.Registry.Credentials;

/// <summary>
/// The docker client configuration file (<c>$DOCKER_CONFIG/config.json</c>, default
/// <c>~/.docker/config.json</c>): <c>auths</c>, <c>credsStore</c> and <c>credHelpers</c>.
/// Fields it does not know are kept as they were. <see cref="Save"/> replaces the file atomically
/// with mode 0600 in a 0700 directory.
/// </summary>
public sealed class DockerConfigFile
{
    private readonly JsonObject _root;

    private DockerConfigFile(string path, JsonObject root)
    {
        FilePath = path;
        _root = root;
    }

    public string FilePath { get; }

    public static string DefaultPath()
    {
        var dir = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(dir))
            dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        return Path.Combine(dir, "config.json");
    }

    /// <summary>Reads the file; a missing or empty file is an empty configuration.</summary>
    public static DockerConfigFile Load(string? path = null)
    {
        path ??= DefaultPath();
        if (!File.Exists(path)) return new DockerConfigFile(path, new JsonObject());
        var text = File.ReadAllText(path);
        if (string.IsNullOrWhiteSpace(text)) return new DockerConfigFile(path, new JsonObject());
        try
        {
            var node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return node is JsonObject o
                ? new DockerConfigFile(path, o)
                : throw new InvalidDataException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid JSON: {e.Message}", e);
        }
    }

    public string? CredsStore
    {
        get => _root["credsStore"] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
        set
        {
            if (value is null) _root.Remove("credsStore");
            else _root["credsStore"] = value;
        }
    }

    public IReadOnlyDictionary<string, string> CredHelpers =>
        _root["credHelpers"] is JsonObject o
            ? o.Where(kv => kv.Value is JsonValue v && v.TryGetValue<string>(out _))
                .ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>())
            : new Dictionary<string, string>();

    /// <summary>The keys of <c>auths</c>, as written.</summary>
    public IReadOnlyList<string> AuthKeys => Auths is { } a ? a.Select(kv => kv.Key).ToList() : [];

    /// <summary>The credential helper configured for <paramref name="registry"/>: <c>credHelpers</c>, else <c>credsStore</c>.</summary>
    public string? HelperFor(string registry)
    {
        var helpers = CredHelpers;
        if (helpers.TryGetValue(RegistryServerKey.For(registry), out var exact) && exact.Length > 0) return exact;
        foreach (var (key, helper) in helpers)
            if (helper.Length > 0 && RegistryServerKey.Matches(key, registry)) return helper;
        return CredsStore;
    }

    /// <summary>The <c>auths</c> entry for <paramref name="registry"/>: the canonical key first, then any key with the same host.</summary>
    public AuthEntry? FindAuth(string registry)
    {
        if (Auths is not { } auths) return null;
        var canonical = RegistryServerKey.For(registry);
        if (auths[canonical] is JsonObject exact) return Decode(exact);
        foreach (var (key, value) in auths)
            if (value is JsonObject entry && RegistryServerKey.Matches(key, registry)) return Decode(entry);
        return null;
    }

    /// <summary>
    /// Records a login. With a credential the entry holds <c>auth</c> (and <c>identitytoken</c>);
    /// with null it is an empty object, which is what docker writes when a helper holds the secret.
    /// Other keys for the same host are removed so that lookups are unambiguous.
    /// </summary>
    public void SetAuth(string registry, RegistryCredential? credential)
    {
        RemoveAuth(registry);
        var auths = Auths ?? (JsonObject)(_root["auths"] = new JsonObject());
        var entry = new JsonObject();
        if (credential is not null)
        {
            if (credential.HasIdentityToken)
            {
                if (credential.Username.Length > 0)
                    entry["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:"));
                entry["identitytoken"] = credential.IdentityToken;
            }
            else
            {
                entry["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}"));
            }
        }
        auths[RegistryServerKey.For(registry)] = entry;
    }

    /// <summary>Forgets every <c>auths</c> key for the host of <paramref name="registry"/>; true if one existed.</summary>
    public bool RemoveAuth(string registry)
    {
        if (Auths is not { } auths) return false;
        var keys = auths.Select(kv => kv.Key).Where(k => RegistryServerKey.Matches(k, registry)).ToList();
        foreach (var k in keys) auths.Remove(k);
        return keys.Count > 0;
    }

    /// <summary>Writes to a temp file (0600) beside the target, flushes it, and renames it over the target.</summary>
    public void Save()
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(FilePath))!;
        if (!Directory.Exists(dir))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var temp = Path.Combine(dir, $".config.json.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temp, options))
            {
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                    _root.WriteTo(writer);
                stream.Write("\n"u8);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, FilePath, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private JsonObject? Auths => _root["auths"] as JsonObject;

    private static AuthEntry Decode(JsonObject entry)
    {
        string? Str(string name) => entry[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
        string? user = Str("username"), password = Str("password");
        if (Str("auth") is { } auth)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException)
            {
                throw new InvalidDataException("config.json: an \"auth\" value is not valid base64");
            }
            var colon = decoded.IndexOf(':');
            if (colon < 0) throw new InvalidDataException("config.json: an \"auth\" value is not user:password");
            user = decoded[..colon];
            password = decoded[(colon + 1)..];
        }
        return new AuthEntry(user, password, Str("identitytoken"));
    }
}
