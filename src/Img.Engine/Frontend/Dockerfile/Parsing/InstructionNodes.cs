namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>Builds the node for one logical line (continuations already joined).</summary>
internal static class InstructionNodes
{
    public static Node FromLine(string line, ParserContext context, IEnumerable<string> comments)
    {
        var top = NodeFor(line, context, out var subCommand);
        top.PrevComment.AddRange(comments);
        // ONBUILD nests the rest of its line, as an instruction of its own, as the single child of
        // its argument node. Read in a loop, not by recursion: BuildKit parses a line of
        // "ONBUILD ONBUILD ..." to any depth (the instruction layer then rejects the chaining),
        // and such a line must not be able to overflow our fixed-size stack.
        var wrapper = top;
        while (subCommand is not null)
        {
            var inner = NodeFor(subCommand, context, out subCommand);
            wrapper.Next!.Children.Add(inner);
            wrapper = inner;
        }
        return top;
    }

    // One instruction's node; for a non-empty ONBUILD, the argument node is left empty and the
    // wrapped instruction's text is returned in subCommand.
    private static Node NodeFor(string line, ParserContext context, out string? subCommand)
    {
        var (keyword, flags, arguments) = CommandSplitter.Split(line, context.EscapeToken);
        var value = keyword.ToLowerInvariant();
        subCommand = null;
        ArgumentParsers.Parsed parsed;
        if (value == "onbuild")
        {
            parsed = new ArgumentParsers.Parsed(arguments.Length == 0 ? null : new Node());
            if (arguments.Length != 0)
                subCommand = arguments;
        }
        else
        {
            parsed = ArgumentParsers.Dispatch(value, arguments, context);
        }
        var node = new Node
        {
            Value = value,
            Original = line,
            Next = parsed.Next,
            IsJson = parsed.IsJson,
        };
        node.Flags.AddRange(flags);
        return node;
    }

    /// <summary>
    /// Heredocs apply to RUN, COPY and ADD in shell form, also when wrapped in ONBUILD
    /// (the heredocs then attach to the ONBUILD node).
    /// </summary>
    public static bool CanContainHeredoc(Node node)
    {
        node = WrappedBy(node) ?? node;
        return node.Value is "run" or "copy" or "add" && !node.IsJson;
    }

    /// <summary>ONBUILD's nested instruction spans the same lines as the ONBUILD itself.</summary>
    public static void SetLines(Node node, int startLine, int endLine)
    {
        for (Node? n = node; n is not null; n = WrappedBy(n))
        {
            n.StartLine = startLine;
            n.EndLine = endLine;
        }
    }

    // The instruction an ONBUILD node wraps, else null.
    private static Node? WrappedBy(Node node) =>
        node.Value == "onbuild" && node.Next is { Children.Count: > 0 } wrapped ? wrapped.Children[0] : null;
}
