using Img.Engine.Frontend.Dockerfile.Parsing;

namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>COPY and ADD: flags, sources and the destination, here-document sources split out.</summary>
public static partial class InstructionParser
{
    private static (IReadOnlyList<string> Paths, IReadOnlyList<SourceContent> Contents, string Dest) SourcesAndDest(Request req, string command)
    {
        var dest = req.Args[^1];
        if (ParseHeredocWord(dest) is not null)
            throw new InstructionException($"{command} cannot accept a heredoc as a destination");
        var paths = new List<string>();
        var contents = new List<SourceContent>();
        foreach (var src in req.Args.Take(req.Args.Count - 1))
        {
            var word = ParseHeredocWord(src);
            if (word is null)
            {
                paths.Add(src);
                continue;
            }
            var content = req.Heredocs.LastOrDefault(h => h.Name == word.Name)?.Content ?? "";
            if (word.Chomp)
                content = HeredocSyntax.ChompContent(content);
            contents.Add(new SourceContent(word.Name, content, word.Expand));
        }
        return (paths, contents, dest);
    }

    private static Heredoc? ParseHeredocWord(string word)
    {
        try
        {
            return HeredocSyntax.ParseWord(word);
        }
        catch (DockerfileParseException)
        {
            return null;
        }
    }

    private static AddInstruction ParseAdd(Request req)
    {
        if (req.Args.Count < 2)
            throw NoDestination("ADD");
        var f = req.Flags;
        f.AddString("chown");
        f.AddString("chmod");
        f.AddBool("link");
        f.AddBool("keep-git-dir");
        f.AddString("checksum");
        f.AddBool("unpack");
        f.AddStrings("exclude");
        f.Parse();
        var (paths, contents, dest) = SourcesAndDest(req, "ADD");
        return new AddInstruction(req.Source, paths, contents, dest,
            f.String("chown"), f.String("chmod"), f.Bool("link"), f.Strings("exclude"),
            f.IsUsed("keep-git-dir") ? f.Bool("keep-git-dir") : null,
            f.String("checksum"),
            f.IsUsed("unpack") ? f.Bool("unpack") : null);
    }

    private static CopyInstruction ParseCopy(Request req)
    {
        if (req.Args.Count < 2)
            throw NoDestination("COPY");
        var f = req.Flags;
        f.AddString("chown");
        f.AddString("from");
        f.AddString("chmod");
        f.AddBool("link");
        f.AddStrings("exclude");
        f.AddBool("parents");
        f.Parse();
        var (paths, contents, dest) = SourcesAndDest(req, "COPY");
        return new CopyInstruction(req.Source, paths, contents, dest,
            f.String("from"), f.String("chown"), f.String("chmod"), f.Bool("link"), f.Bool("parents"), f.Strings("exclude"));
    }

    private static InstructionException NoDestination(string command) =>
        new($"{command} requires at least two arguments, but only one was provided. Destination could not be determined");
}
