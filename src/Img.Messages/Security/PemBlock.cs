using System.Security.Cryptography;

namespace Img.Messages.Security;

/// <summary>
/// One labelled block of a PEM text. The credentials files and the authority export keep
/// several blocks in one file so that one rename replaces all of them at once.
/// </summary>
internal readonly record struct PemBlock(string Label, byte[] Data)
{
    /// <summary>Every block of <paramref name="text"/>, in order; text between blocks is ignored.</summary>
    public static List<PemBlock> ReadAll(string text, string what)
    {
        var blocks = new List<PemBlock>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var data = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], data, out var written) || written != data.Length)
                throw new ClusterSecurityException($"{what} is not valid PEM");
            blocks.Add(new PemBlock(rest[fields.Label].ToString(), data));
            rest = rest[fields.Location.End..];
        }
        return blocks;
    }

    /// <summary>The single block labelled <paramref name="label"/> in <paramref name="text"/>.</summary>
    public static byte[] ReadSingle(string text, string label, string what)
    {
        var blocks = ReadAll(text, what);
        if (blocks.Count != 1 || blocks[0].Label != label)
            throw new ClusterSecurityException($"{what} must be exactly one PEM block labelled {label}");
        return blocks[0].Data;
    }

    /// <summary>The blocks as PEM text, one after the other.</summary>
    public static string Format(IEnumerable<PemBlock> blocks) =>
        string.Concat(blocks.Select(b => new string(PemEncoding.Write(b.Label, b.Data)) + "\n"));
}
