using System.Diagnostics;
using System.Text;

namespace Img.Engine.Tests.Archive;

/// <summary>Inputs for compression tests (random, zeros, text-like, mixed) and the command-line tools that check the outputs.</summary>
public static class CompressionTestData
{
    public const int MiB = 1 << 20;

    public static byte[] Random(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Text that compresses like source code or logs (repeated words in varying order).</summary>
    public static byte[] TextLike(int length, int seed)
    {
        string[] words = ["layer", "blob", "digest", "snapshot", "overlay", "tar", "gzip", "zstd", "image", "config", "\n", "manifest", "{", "}"];
        var rnd = new Random(seed);
        var sb = new StringBuilder(length + 16);
        while (sb.Length < length)
        {
            sb.Append(words[rnd.Next(words.Length)]).Append(' ');
        }
        return Encoding.ASCII.GetBytes(sb.ToString(0, length));
    }

    /// <summary>Runs of random, zero and text blocks of odd sizes, so block boundaries fall inside runs.</summary>
    public static byte[] Mixed(int length, int seed)
    {
        var data = new byte[length];
        var rnd = new Random(seed);
        for (int at = 0; at < length;)
        {
            int n = Math.Min(length - at, rnd.Next(1, 3 * MiB));
            switch (rnd.Next(3))
            {
                case 0:
                    rnd.NextBytes(data.AsSpan(at, n));
                    break;
                case 1:
                    TextLike(n, rnd.Next()).CopyTo(data, at);
                    break;
            }
            at += n;
        }
        return data;
    }

    /// <summary><c>PROGRAM ARGS... &lt; FILE</c>; the program must be installed (else the test fails naming its Debian package).</summary>
    public static (int ExitCode, string Out, string Error) Run(string program, string debianPackage, string stdinFile, params string[] args) =>
        Bash(Require(program, debianPackage) + $"exec {program} \"${{@:2}}\" < \"$1\"", [stdinFile, .. args]);

    /// <summary>sha256 (hex) of what <c>PROGRAM -dc</c> makes of <paramref name="file"/>.</summary>
    public static string DecompressedSha256(string program, string debianPackage, string file)
    {
        var (exit, stdout, stderr) = Bash(Require(program, debianPackage) + $"set -o pipefail; {program} -dc < \"$1\" | sha256sum | cut -d' ' -f1", [file]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{program} -dc {file} failed ({exit}): {stderr.Trim()}");
        }
        return stdout.Trim();
    }

    private static string Require(string program, string debianPackage) =>
        $"command -v {program} >/dev/null || {{ echo '{program} is not installed: apt-get install {debianPackage}' >&2; exit 127; }}; ";

    private static (int ExitCode, string Out, string Error) Bash(string script, string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("bash");
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode == 127)
        {
            throw new InvalidOperationException(stderr.Result.Trim());
        }
        return (p.ExitCode, stdout, stderr.Result);
    }
}
