using Img.Engine.Native;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.References;
using Img.Engine.State;

namespace Img.Engine.Images.Local;

/// <summary>
/// Images as one JSON file each, <c>&lt;root&gt;/&lt;sha256(name)&gt;.json</c>, written to a temp
/// file, fsynced and renamed (so a killed process leaves the old record or the new one), and
/// deleted by unlink. One file per image keeps concurrent tags of different names independent.
/// </summary>
public sealed class LocalImageStore : IImageStore
{
    private const string RecordSuffix = ".json";
    private const string TempSuffix = ".tmp";
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
    private readonly TimeProvider _time;

    public LocalImageStore(string root, TimeProvider? time = null)
    {
        Root = Path.GetFullPath(root);
        _time = time ?? TimeProvider.System;
        Directory.CreateDirectory(Root);
        RemoveStaleTemps();
    }

    /// <summary>The store under a state directory's <c>images/</c>.</summary>
    public static LocalImageStore Open(StateDirectory state) => new(state.ImagesRoot);

    /// <summary>The directory of the records.</summary>
    public string Root { get; }

    public async ValueTask<Image?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = RecordPath(name);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        var image = Deserialize(bytes, path);
        return image.Name == name ? image : null;
    }

    public async ValueTask<IReadOnlyList<Image>> ListAsync(CancellationToken cancellationToken = default)
    {
        var images = new List<Image>();
        foreach (var path in Directory.EnumerateFiles(Root, "*" + RecordSuffix))
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                continue; // deleted meanwhile
            }
            images.Add(Deserialize(bytes, path));
        }
        images.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return images;
    }

    public async ValueTask<Image> PutAsync(Image image, CancellationToken cancellationToken = default)
    {
        Validate(image);
        var now = _time.GetUtcNow();
        var existing = await GetAsync(image.Name, cancellationToken).ConfigureAwait(false);
        var stored = image with
        {
            CreatedAt = existing?.CreatedAt ?? (image.CreatedAt == default ? now : image.CreatedAt),
            UpdatedAt = now,
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(stored, JsonOptions);
        var temp = Path.Combine(Root, "." + Guid.NewGuid().ToString("N") + TempSuffix);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, RecordPath(image.Name), overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        Posix.FsyncDirectory(Root);
        return stored;
    }

    public ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = RecordPath(name);
        if (!File.Exists(path)) return ValueTask.FromResult(false);
        File.Delete(path);
        Posix.FsyncDirectory(Root);
        return ValueTask.FromResult(true);
    }

    private string RecordPath(string name) =>
        Path.Combine(Root, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name))) + RecordSuffix);

    private static void Validate(Image image)
    {
        if (!ImageReference.TryParse(image.Name, out var reference) || reference.ToString() != image.Name)
            throw new ArgumentException($"image name \"{image.Name}\" is not a canonical reference (expected e.g. docker.io/library/busybox:latest)", nameof(image));
        if (!Digest.TryParse(image.Target.Digest, out _))
            throw new ArgumentException($"image {image.Name}: target digest \"{image.Target.Digest}\" is not a valid sha256 digest", nameof(image));
    }

    private static Image Deserialize(byte[] bytes, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<Image>(bytes, DocumentJson.Reading) ?? throw new InvalidDataException($"image record {path} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"image record {path} is corrupt: {e.Message}", e);
        }
    }

    private void RemoveStaleTemps()
    {
        var cutoff = _time.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(1);
        foreach (var file in new DirectoryInfo(Root).EnumerateFiles("*" + TempSuffix))
        {
            try
            {
                if (file.LastWriteTimeUtc < cutoff) file.Delete();
            }
            catch (IOException)
            {
            }
        }
    }
}
