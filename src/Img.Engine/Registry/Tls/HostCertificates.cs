using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Img.Engine.Registry.Tls;

/// <summary>
/// What one <c>certs.d/HOST[:PORT]/</c> directory holds, read the way docker reads it: every
/// <c>*.crt</c> is a CA trusted for that registry on top of the system's; every <c>*.cert</c> is a
/// client certificate whose key is the <c>*.key</c> of the same name. A certificate without its key,
/// or a key without its certificate, is an error naming both files (docker's wording).
/// </summary>
public sealed class HostCertificates
{
    private HostCertificates(string directory, X509Certificate2Collection authorities, X509Certificate2Collection clients)
    {
        Directory = directory;
        Authorities = authorities;
        ClientCertificates = clients;
    }

    public string Directory { get; }
    public X509Certificate2Collection Authorities { get; }
    public X509Certificate2Collection ClientCertificates { get; }

    /// <summary>True when <paramref name="root"/> has a directory for <paramref name="registry"/>.</summary>
    public static bool Exist(string? root, string registry) =>
        root is not null && System.IO.Directory.Exists(CertsDirectory.HostDirectory(root, registry));

    /// <summary>The files for <paramref name="registry"/>, or null when there is no directory for it.</summary>
    /// <exception cref="RegistryException">A pair is incomplete or a file cannot be read as PEM.</exception>
    public static HostCertificates? Load(string? root, string registry)
    {
        if (!Exist(root, registry)) return null;
        var directory = CertsDirectory.HostDirectory(root!, registry);
        var files = System.IO.Directory.GetFiles(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var authorities = new X509Certificate2Collection();
        var clients = new X509Certificate2Collection();
        foreach (var name in files)
        {
            var path = Path.Combine(directory, name);
            if (name.EndsWith(".crt", StringComparison.Ordinal))
            {
                authorities.AddRange(Read(path, () => LoadAuthorities(path)));
            }
            else if (name.EndsWith(".cert", StringComparison.Ordinal))
            {
                var keyName = name[..^".cert".Length] + ".key";
                if (!files.Contains(keyName))
                    throw new RegistryException(RegistryErrorKind.Other,
                        $"missing key {keyName} for client certificate {name}. CA certificates must use the extension .crt: {directory}");
                clients.Add(Read(path, () => LoadClient(path, Path.Combine(directory, keyName))));
            }
            else if (name.EndsWith(".key", StringComparison.Ordinal))
            {
                var certName = name[..^".key".Length] + ".cert";
                if (!files.Contains(certName))
                    throw new RegistryException(RegistryErrorKind.Other,
                        $"missing client certificate {certName} for key {name}: {directory}");
            }
        }
        return new HostCertificates(directory, authorities, clients);
    }

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        if (collection.Count == 0) throw new CryptographicException("no certificate in the file");
        return collection;
    }

    /// <summary>
    /// The PEM key is ephemeral; SslStream on Linux uses it as is, so no re-export is needed (that
    /// is a Windows SChannel constraint).
    /// </summary>
    private static X509Certificate2 LoadClient(string certPath, string keyPath) =>
        X509Certificate2.CreateFromPemFile(certPath, keyPath);

    private static T Read<T>(string path, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new RegistryException(RegistryErrorKind.Other, $"cannot read {path}: {e.Message}", inner: e);
        }
    }
}
