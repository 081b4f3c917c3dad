using System.Text.RegularExpressions;
using Img.Engine.Frontend.Dockerfile.Parsing;

namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// Turns the parser's syntax tree into typed instructions grouped into stages (BuildKit's
/// <c>instructions.Parse</c>). Every flag is checked here; variables are not expanded yet.
/// </summary>
public static partial class InstructionParser
{
    /// <summary>Parses every instruction of <paramref name="root"/> and groups them into stages.</summary>
    /// <param name="fileName">Shown in errors (<c>Dockerfile:3: ...</c>).</param>
    /// <exception cref="DockerfileException">An invalid instruction, or no stage at all.</exception>
    public static DockerfileInstructions Parse(Node root, string fileName = "Dockerfile", char escapeToken = '\\')
    {
        var metaArgs = new List<ArgInstruction>();
        var stages = new List<(FromInstruction From, List<Instruction> Commands)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in root.Children)
        {
            Instruction instruction;
            try
            {
                instruction = ParseInstruction(node);
            }
            catch (InstructionException e)
            {
                throw new DockerfileException(fileName, e.Line > 0 ? e.Line : node.StartLine, e.Message, e) { IsInstructionParseError = true };
            }
            if (stages.Count == 0 && instruction is ArgInstruction arg)
            {
                metaArgs.Add(arg);
                continue;
            }
            if (instruction is FromInstruction from)
            {
                if (from.StageName.Length > 0 && !names.Add(from.StageName))
                    throw new DockerfileException(fileName, node.StartLine,
                        $"Duplicate stage name \"{from.StageName}\", stage names should be unique");
                stages.Add((from, new List<Instruction>()));
                continue;
            }
            if (stages.Count == 0)
                throw new DockerfileException(fileName, node.StartLine, "no build stage in current context");
            stages[^1].Commands.Add(instruction);
        }
        if (stages.Count == 0)
            throw new DockerfileException(fileName, 0, "dockerfile contains no stages to build");
        return new DockerfileInstructions(
            metaArgs,
            stages.Select((s, i) => new Stage(i, s.From, s.Commands)).ToArray(),
            escapeToken);
    }

    /// <summary>Parses one instruction node (FROM included).</summary>
    /// <exception cref="InstructionException">With BuildKit's message and the node's line.</exception>
    public static Instruction ParseInstruction(Node node)
    {
        try
        {
            return ParseCore(node);
        }
        catch (InstructionException e)
        {
            throw e.AtLine(node.StartLine);
        }
    }

    /// <summary>Parses a non-FROM instruction (ONBUILD triggers must not be FROM).</summary>
    public static Instruction ParseCommand(Node node)
    {
        var instruction = ParseInstruction(node);
        if (instruction is FromInstruction)
            throw new InstructionException("FROM isn't allowed as an ONBUILD trigger", node.StartLine);
        return instruction;
    }

    private static Instruction ParseCore(Node node)
    {
        var req = new Request(node);
        return node.Value.ToLowerInvariant() switch
        {
            "env" => new EnvInstruction(req.Source, ParseKeyValues(req, "ENV")),
            "maintainer" => ParseMaintainer(req),
            "label" => new LabelInstruction(req.Source, ParseKeyValues(req, "LABEL")),
            "add" => ParseAdd(req),
            "copy" => ParseCopy(req),
            "from" => ParseFrom(req),
            "onbuild" => ParseOnbuild(req),
            "workdir" => new WorkdirInstruction(req.Source, ExactlyOne(req, "WORKDIR")),
            "run" => ParseRun(req),
            "cmd" => ParseCmd(req),
            "healthcheck" => ParseHealthcheck(req),
            "entrypoint" => ParseEntrypoint(req),
            "expose" => ParseExpose(req),
            "user" => new UserInstruction(req.Source, ExactlyOne(req, "USER")),
            "volume" => ParseVolume(req),
            "stopsignal" => ParseStopsignal(req),
            "arg" => ParseArg(req),
            "shell" => ParseShell(req),
            _ => throw new InstructionException(Suggest.WithHint(
                $"unknown instruction: {req.Source.Keyword}", req.Source.Keyword, InstructionKeywords.All, caseSensitive: false)),
        };
    }

    /// <summary>What every instruction parser reads from a node (BuildKit's <c>parseRequest</c>).</summary>
    private sealed class Request
    {
        public Request(Node node)
        {
            Node = node;
            Args = NodeArgs(node);
            Flags = new InstructionFlags(node.Flags);
            var keyword = node.Value;
            var original = node.Original.TrimStart();
            var end = 0;
            while (end < original.Length && !char.IsWhiteSpace(original[end])) end++;
            if (end > 0 && string.Equals(original[..end], node.Value, StringComparison.OrdinalIgnoreCase))
                keyword = original[..end];
            Source = new InstructionSource(keyword, node.Original.Trim(), node.StartLine, node.EndLine);
        }

        public Node Node { get; }
        public IReadOnlyList<string> Args { get; }
        public InstructionFlags Flags { get; }
        public InstructionSource Source { get; }
        public bool IsJson => Node.IsJson;
        public IReadOnlyList<Heredoc> Heredocs => Node.Heredocs;
    }

    private static IReadOnlyList<string> NodeArgs(Node node)
    {
        var result = new List<string>();
        for (var n = node; n.Next is not null; n = n.Next)
        {
            var arg = n.Next;
            if (arg.Children.Count == 0)
            {
                result.Add(arg.Value);
            }
            else if (arg.Children.Count == 1)
            {
                result.Add(arg.Children[0].Value);
                result.AddRange(NodeArgs(arg.Children[0]));
            }
        }
        return result;
    }

    private static IReadOnlyList<KeyValue> ParseKeyValues(Request req, string command)
    {
        req.Flags.Parse();
        var args = req.Args;
        if (args.Count == 0)
            throw AtLeastOneArgument(command);
        if (args.Count % 3 != 0)
            throw new InstructionException($"Bad input to {command}, too many arguments");
        var result = new List<KeyValue>();
        for (var j = 0; j < args.Count; j += 3)
        {
            if (args[j].Length == 0)
                throw new InstructionException($"{command} names can not be blank");
            result.Add(new KeyValue(args[j], args[j + 1], args[j + 2].Length == 0));
        }
        return result;
    }

    private static MaintainerInstruction ParseMaintainer(Request req)
    {
        var value = ExactlyOne(req, "MAINTAINER");
        return new MaintainerInstruction(req.Source, value);
    }

    private static string ExactlyOne(Request req, string command)
    {
        if (req.Args.Count != 1)
            throw new InstructionException($"{command} requires exactly one argument");
        req.Flags.Parse();
        return req.Args[0];
    }

    [GeneratedRegex("^[a-z][a-z0-9-_.]*$")]
    private static partial Regex ValidStageName();

    private static FromInstruction ParseFrom(Request req)
    {
        var args = req.Args;
        var stageName = "";
        if (args.Count == 3 && string.Equals(args[1], "as", StringComparison.OrdinalIgnoreCase))
        {
            stageName = args[2].ToLowerInvariant();
            if (!ValidStageName().IsMatch(stageName))
                throw new InstructionException(
                    $"invalid name for build stage: \"{args[2]}\", name can't start with a number or contain symbols");
        }
        else if (args.Count != 1)
        {
            throw new InstructionException("FROM requires either one or three arguments");
        }
        req.Flags.AddString("platform");
        req.Flags.Parse();
        return new FromInstruction(req.Source, args[0], stageName, req.Flags.String("platform"));
    }

    [GeneratedRegex(@"^\s*ONBUILD\s*", RegexOptions.IgnoreCase)]
    private static partial Regex OnbuildPrefix();

    private static OnbuildInstruction ParseOnbuild(Request req)
    {
        if (req.Args.Count == 0)
            throw AtLeastOneArgument("ONBUILD");
        req.Flags.Parse();
        var trigger = req.Args[0].Trim().ToUpperInvariant();
        switch (trigger)
        {
            case "ONBUILD":
                throw new InstructionException("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
            case "MAINTAINER" or "FROM":
                throw new InstructionException($"{trigger} isn't allowed as an ONBUILD trigger");
        }
        var expression = OnbuildPrefix().Replace(req.Node.Original, "", 1);
        var heredocs = req.Heredocs.Count > 0 ? req.Heredocs
            : req.Node.Next?.Children.FirstOrDefault()?.Heredocs ?? [];
        foreach (var heredoc in heredocs)
            expression += "\n" + heredoc.Content + heredoc.Name;
        return new OnbuildInstruction(req.Source, expression);
    }

    private static ExposeInstruction ParseExpose(Request req)
    {
        if (req.Args.Count == 0)
            throw AtLeastOneArgument("EXPOSE");
        req.Flags.Parse();
        var ports = req.Args.ToArray();
        Array.Sort(ports, StringComparer.Ordinal);
        return new ExposeInstruction(req.Source, ports);
    }

    private static VolumeInstruction ParseVolume(Request req)
    {
        if (req.Args.Count == 0)
            throw AtLeastOneArgument("VOLUME");
        req.Flags.Parse();
        var volumes = new List<string>();
        foreach (var v in req.Args)
        {
            var trimmed = v.Trim();
            if (trimmed.Length == 0)
                throw new InstructionException("VOLUME specified can not be an empty string");
            volumes.Add(trimmed);
        }
        return new VolumeInstruction(req.Source, volumes);
    }

    private static StopsignalInstruction ParseStopsignal(Request req)
    {
        if (req.Args.Count != 1)
            throw new InstructionException("STOPSIGNAL requires exactly one argument");
        return new StopsignalInstruction(req.Source, req.Args[0]);
    }

    private static ArgInstruction ParseArg(Request req)
    {
        if (req.Args.Count < 1)
            throw AtLeastOneArgument("ARG");
        var defs = new List<ArgDefinition>();
        foreach (var arg in req.Args)
        {
            var eq = arg.IndexOf('=');
            if (eq >= 0)
            {
                if (eq == 0)
                    throw new InstructionException("ARG names can not be blank");
                defs.Add(new ArgDefinition(arg[..eq], arg[(eq + 1)..]));
            }
            else
            {
                defs.Add(new ArgDefinition(arg, null));
            }
        }
        return new ArgInstruction(req.Source, defs);
    }

    private static InstructionException AtLeastOneArgument(string command) => new($"{command} requires at least one argument");
}
