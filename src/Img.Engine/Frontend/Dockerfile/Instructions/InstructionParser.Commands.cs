using Img.Engine.Oci;
using Img.Engine.Text;

namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK: the instructions that carry a command.</summary>
public static partial class InstructionParser
{
    private static readonly string[] NetworkModes = ["default", "none", "host"];
    private static readonly string[] SecurityModes = ["insecure", "sandbox"];

    private static CommandLine ParseCommandLine(Request req, bool emptyAsNull)
    {
        var files = req.Heredocs.Select(h => new ShellInlineFile(h.Name, h.Content, h.Chomp)).ToArray();
        var args = JsonArgs(req);
        return new CommandLine(emptyAsNull && args.Count == 0 ? null : args, !req.IsJson, files);
    }

    /// <summary>Exec form keeps the array; shell form joins the words into one string.</summary>
    private static IReadOnlyList<string> JsonArgs(Request req) => JsonArgs(req.Args, req.IsJson);

    private static IReadOnlyList<string> JsonArgs(IReadOnlyList<string> args, bool isJson)
    {
        if (args.Count == 0)
            return [];
        return isJson ? args.ToArray() : [string.Join(' ', args)];
    }

    private static RunInstruction ParseRun(Request req)
    {
        req.Flags.AddStrings("mount");
        req.Flags.AddString("network", "default");
        req.Flags.AddString("security", "sandbox");
        req.Flags.Parse();
        var command = ParseCommandLine(req, emptyAsNull: false);
        var specs = req.Flags.Strings("mount");
        var mounts = specs.Select(s => RunMount.Parse(s, expand: null)).ToArray();
        var network = req.Flags.String("network");
        if (!NetworkModes.Contains(network))
            throw new InstructionException($"invalid network mode \"{network}\"");
        var security = req.Flags.String("security");
        if (!SecurityModes.Contains(security))
            throw new InstructionException($"security \"{security}\" is not valid");
        return new RunInstruction(req.Source, command, specs, mounts, network, security, req.Flags.Used());
    }

    private static CmdInstruction ParseCmd(Request req)
    {
        req.Flags.Parse();
        return new CmdInstruction(req.Source, ParseCommandLine(req, emptyAsNull: false));
    }

    private static EntrypointInstruction ParseEntrypoint(Request req)
    {
        req.Flags.Parse();
        return new EntrypointInstruction(req.Source, ParseCommandLine(req, emptyAsNull: true));
    }

    private static ShellInstruction ParseShell(Request req)
    {
        req.Flags.Parse();
        var shell = JsonArgs(req);
        if (shell.Count == 0)
            throw AtLeastOneArgument("SHELL");
        if (!req.IsJson)
            throw new InstructionException("SHELL requires the arguments to be in JSON form");
        return new ShellInstruction(req.Source, shell);
    }

    private static HealthcheckInstruction ParseHealthcheck(Request req)
    {
        if (req.Args.Count == 0)
            throw AtLeastOneArgument("HEALTHCHECK");
        var type = req.Args[0].ToUpperInvariant();
        var args = req.Args.Skip(1).ToArray();
        if (type == "NONE")
        {
            if (args.Length != 0)
                throw new InstructionException("HEALTHCHECK NONE takes no arguments");
            return new HealthcheckInstruction(req.Source, new HealthConfig { Test = [type] });
        }
        req.Flags.AddString("interval");
        req.Flags.AddString("timeout");
        req.Flags.AddString("start-period");
        req.Flags.AddString("start-interval");
        req.Flags.AddString("retries");
        req.Flags.Parse();
        if (type != "CMD")
            throw new InstructionException($"Unknown type \"{type}\" in HEALTHCHECK (try CMD)");
        var cmd = JsonArgs(args, req.IsJson);
        if (cmd.Count == 0)
            throw new InstructionException("Missing command after HEALTHCHECK CMD");
        var test = new List<string> { req.IsJson ? "CMD" : "CMD-SHELL" };
        test.AddRange(cmd);
        var retries = 0;
        var retriesText = req.Flags.String("retries");
        if (retriesText.Length > 0)
        {
            if (!long.TryParse(retriesText, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var r)
                || r is > int.MaxValue or < int.MinValue)
                throw new InstructionException($"strconv.ParseInt: parsing \"{retriesText}\": invalid syntax");
            if (r < 0)
                throw new InstructionException($"--retries cannot be negative ({r})");
            retries = (int)r;
        }
        return new HealthcheckInstruction(req.Source, new HealthConfig
        {
            Test = test,
            Interval = Interval(req, "interval"),
            Timeout = Interval(req, "timeout"),
            StartPeriod = Interval(req, "start-period"),
            StartInterval = Interval(req, "start-interval"),
            Retries = retries,
        });
    }

    private static long Interval(Request req, string flag)
    {
        var text = req.Flags.String(flag);
        if (text.Length == 0)
            return 0;
        long nanos;
        try
        {
            nanos = GoDuration.Parse(text);
        }
        catch (FormatException e)
        {
            throw new InstructionException(e.Message);
        }
        if (nanos == 0)
            return 0;
        if (nanos < 1_000_000)
            throw new InstructionException($"Interval \"{flag}\" cannot be less than 1ms");
        return nanos;
    }
}
