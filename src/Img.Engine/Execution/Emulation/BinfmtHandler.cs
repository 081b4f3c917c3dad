using System.Globalization;

namespace Img.Engine.Execution.Emulation;

/// <summary>
/// One registered binfmt_misc handler (<c>/proc/sys/fs/binfmt_misc/NAME</c>): a magic with mask
/// at an offset, the interpreter the kernel runs binaries that match with, and its flags.
/// <c>F</c> (fix binary) makes the kernel open the interpreter when the handler is registered,
/// so it also runs binaries inside containers, whose root does not have the interpreter's path.
/// </summary>
public sealed record BinfmtHandler(string Name, bool Enabled, string Interpreter, string Flags, int Offset, byte[] Magic, byte[] Mask)
{
    /// <summary>Whether the kernel opens the interpreter at registration (usable from any mount namespace).</summary>
    public bool FixBinary => Flags.Contains('F');

    /// <summary>Whether <paramref name="header"/> (a file's first bytes) is handed to this handler.</summary>
    public bool Matches(ReadOnlySpan<byte> header)
    {
        if (!Enabled || Magic.Length == 0 || header.Length < Offset + Magic.Length)
            return false;
        for (var i = 0; i < Magic.Length; i++)
        {
            var mask = i < Mask.Length ? Mask[i] : (byte)0xff;
            if ((header[Offset + i] & mask) != (Magic[i] & mask))
                return false;
        }
        return true;
    }

    /// <summary>Parses the text of a handler's file; null for an extension (not magic) handler or unreadable text.</summary>
    public static BinfmtHandler? Parse(string name, string text)
    {
        bool enabled = false;
        string interpreter = "", flags = "";
        int offset = 0;
        byte[]? magic = null;
        var mask = Array.Empty<byte>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ');
            var (key, value) = space < 0 ? (line, "") : (line[..space], line[(space + 1)..].Trim());
            switch (key)
            {
                case "enabled":
                    enabled = true;
                    break;
                case "interpreter":
                    interpreter = value;
                    break;
                case "flags:":
                    flags = value;
                    break;
                case "offset":
                    offset = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "magic":
                    magic = Convert.FromHexString(value);
                    break;
                case "mask":
                    mask = Convert.FromHexString(value);
                    break;
            }
        }
        return magic is null ? null : new BinfmtHandler(name, enabled, interpreter, flags, offset, magic, mask);
    }
}
