namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>Builds the node for one logical line (continuations already joined).</summary>
internal static class InstructionNodes
{
    public static Node FromLine(string line, ParserContext context, IEnumerable<string> comments)
    {
        var (keyword, flags, arguments) = CommandSplitter.Split(line, context.EscapeToken);
        var value = keyword.ToLowerInvariant();
        var parsed = ArgumentParsers.Dispatch(value, arguments, context);
        var node = new Node
        {
            Value = value,
            Original = line,
            Next = parsed.Next,
            IsJson = parsed.IsJson,
        };
        node.Flags.AddRange(flags);
        node.PrevComment.AddRange(comments);
        return node;
    }

    /// <summary>
    /// Heredocs apply to RUN, COPY and ADD in shell form, also when wrapped in ONBUILD
    /// (the heredocs then attach to the ONBUILD node).
    /// </summary>
    public static bool CanContainHeredoc(Node node)
    {
        if (node.Value == "onbuild" && node.Next is { Children.Count: > 0 } wrapped)
            node = wrapped.Children[0];
        return node.Value is "run" or "copy" or "add" && !node.IsJson;
    }

    /// <summary>ONBUILD's nested instruction spans the same lines as the ONBUILD itself.</summary>
    public static void SetLines(Node node, int startLine, int endLine)
    {
        node.StartLine = startLine;
        node.EndLine = endLine;
        if (node.Value == "onbuild" && node.Next is { Children.Count: > 0 } wrapped)
            foreach (var child in wrapped.Children)
                SetLines(child, startLine, endLine);
    }
}
