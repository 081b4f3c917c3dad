using System.Text;

namespace Img.Engine.Context.Ignore;

/// <summary>
/// Go's <c>path/filepath</c> <c>Clean</c> and <c>Dir</c> for slash-separated paths. Ignore
/// patterns and the paths they are matched against are cleaned exactly this way upstream, so a
/// different notion of "clean" would change what a pattern matches.
/// </summary>
internal static class GoPath
{
    /// <summary>
    /// Lexical cleaning: collapse repeated slashes, drop "." elements, resolve "x/.." pairs, drop
    /// ".." right after the root, drop a trailing slash; an empty result is ".".
    /// </summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }
        bool rooted = path[0] == '/';
        int n = path.Length;
        var output = new StringBuilder(n);
        int r = 0;
        int dotdot = 0; // where a ".." can no longer backtrack
        if (rooted)
        {
            output.Append('/');
            r = 1;
            dotdot = 1;
        }

        while (r < n)
        {
            if (path[r] == '/')
            {
                r++;
            }
            else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/'))
            {
                r++;
            }
            else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/'))
            {
                r += 2;
                if (output.Length > dotdot)
                {
                    int w = output.Length - 1;
                    while (w > dotdot && output[w] != '/')
                    {
                        w--;
                    }
                    output.Length = w;
                }
                else if (!rooted)
                {
                    if (output.Length > 0)
                    {
                        output.Append('/');
                    }
                    output.Append("..");
                    dotdot = output.Length;
                }
            }
            else
            {
                if ((rooted && output.Length != 1) || (!rooted && output.Length != 0))
                {
                    output.Append('/');
                }
                while (r < n && path[r] != '/')
                {
                    output.Append(path[r]);
                    r++;
                }
            }
        }
        return output.Length == 0 ? "." : output.ToString();
    }

    /// <summary>All but the last element, cleaned: "a/b" gives "a", "a" gives ".", "/a" gives "/".</summary>
    public static string Dir(string path)
    {
        int i = path.LastIndexOf('/');
        return Clean(path[..(i + 1)]);
    }
}
