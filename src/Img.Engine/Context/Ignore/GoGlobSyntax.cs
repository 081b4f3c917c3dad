using System.Text;

namespace Img.Engine.Context.Ignore;

/// <summary>
/// The syntax check Go's <c>filepath.Match</c> performs (Unix rules). patternmatcher validates
/// each pattern with it when the matcher is built, so the same patterns are rejected up front:
/// an unclosed or empty <c>[...]</c>, a range missing an end, a trailing backslash.
/// </summary>
internal static class GoGlobSyntax
{
    public static bool IsValid(string pattern)
    {
        int i = 0;
        while (i < pattern.Length)
        {
            // A chunk is a run of stars followed by text up to the next star outside brackets.
            while (i < pattern.Length && pattern[i] == '*')
            {
                i++;
            }
            int end = i + ChunkEnd(pattern.AsSpan(i));
            if (!IsValidChunk(pattern, i, end))
            {
                return false;
            }
            i = end;
        }
        return true;
    }

    /// <summary>
    /// The end of the chunk <paramref name="pattern"/> starts with: the first <c>*</c> outside
    /// brackets, or the end. Shared with <c>Checksums.GoPathMatch</c>, Go's matcher.
    /// </summary>
    internal static int ChunkEnd(ReadOnlySpan<char> pattern)
    {
        bool inRange = false;
        int i;
        for (i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    if (i + 1 < pattern.Length)
                    {
                        i++;
                    }
                    break;
                case '[':
                    inRange = true;
                    break;
                case ']':
                    inRange = false;
                    break;
                case '*':
                    if (!inRange)
                    {
                        return i;
                    }
                    break;
            }
        }
        return i;
    }

    private static bool IsValidChunk(string pattern, int i, int end)
    {
        while (i < end)
        {
            switch (pattern[i])
            {
                case '[':
                    i++;
                    if (i < end && pattern[i] == '^')
                    {
                        i++;
                    }
                    int ranges = 0;
                    while (true)
                    {
                        if (i < end && pattern[i] == ']' && ranges > 0)
                        {
                            i++;
                            break;
                        }
                        if (!ClassChar(pattern, ref i, end))
                        {
                            return false;
                        }
                        if (pattern[i] == '-')
                        {
                            i++;
                            if (!ClassChar(pattern, ref i, end))
                            {
                                return false;
                            }
                        }
                        ranges++;
                    }
                    break;
                case '\\':
                    i++;
                    if (i >= end)
                    {
                        return false;
                    }
                    i += RuneLength(pattern, i, end);
                    break;
                default:
                    i += RuneLength(pattern, i, end);
                    break;
            }
        }
        return true;
    }

    // One character of a [...] class (possibly backslash-escaped). Like Go's getEsc it fails on
    // an empty remainder, an unescaped '-' or ']', and when nothing is left after the character.
    private static bool ClassChar(string pattern, ref int i, int end)
    {
        if (i >= end || pattern[i] == '-' || pattern[i] == ']')
        {
            return false;
        }
        if (pattern[i] == '\\')
        {
            i++;
            if (i >= end)
            {
                return false;
            }
        }
        i += RuneLength(pattern, i, end);
        return i < end;
    }

    private static int RuneLength(string pattern, int i, int end) =>
        Rune.DecodeFromUtf16(pattern.AsSpan(i, end - i), out _, out int consumed) == System.Buffers.OperationStatus.Done ? consumed : 1;
}
