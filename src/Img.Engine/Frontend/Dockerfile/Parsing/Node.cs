namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>
/// One node of the Dockerfile syntax tree, shaped like BuildKit's parser node so the AST dump
/// matches its golden files. The root's <see cref="Children"/> are the instructions; an
/// instruction node's <see cref="Value"/> is the lower-case keyword and its arguments hang off
/// <see cref="Next"/> as a chain. ONBUILD's single argument node has the nested instruction in
/// its <see cref="Children"/>.
/// </summary>
public sealed class Node
{
    public string Value { get; set; } = "";
    public Node? Next { get; set; }
    public List<Node> Children { get; } = new();
    public List<Heredoc> Heredocs { get; } = new();
    /// <summary>True when the arguments were written in JSON (exec) form.</summary>
    public bool IsJson { get; set; }
    /// <summary>The instruction as written, continuation lines joined.</summary>
    public string Original { get; set; } = "";
    /// <summary>The <c>--name=value</c> flags written before the arguments, verbatim.</summary>
    public List<string> Flags { get; } = new();
    /// <summary>1-based first and last line of the instruction in the Dockerfile.</summary>
    public int StartLine { get; set; }
    public int EndLine { get; set; }
    /// <summary>Comment lines directly above the instruction, without the leading '#'.</summary>
    public List<string> PrevComment { get; } = new();

    /// <summary>The argument values along the <see cref="Next"/> chain.</summary>
    public IEnumerable<string> Arguments()
    {
        for (var n = Next; n is not null; n = n.Next)
            yield return n.Value;
    }
}
