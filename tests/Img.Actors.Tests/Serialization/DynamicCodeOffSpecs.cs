using System.Diagnostics;
using System.Text.Json.Nodes;
using Img.Messages;
using MessagePack;

namespace Img.Actors.Tests.Serialization;

/// <summary>
/// img's binaries run with <c>DynamicCodeSupport=false</c>; a formatter that emits IL passes every
/// in-process test and fails only there. The runtime reads that switch once per process, so this
/// starts the test assembly again under <c>dotnet exec</c> with a runtimeconfig that turns it off,
/// running <see cref="DynamicCodeOffProbe"/> through a startup hook, and checks its bytes against
/// MessagePack's generated formatters here.
/// </summary>
public class DynamicCodeOffSpecs
{
    private const string DynamicCodeSwitch = "System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported";

    [Fact]
    public void EveryUnionMemberRoundTripsInAProcessWithoutDynamicCode()
    {
        var lines = RunProbe();

        Assert.Contains("dynamic-code False", lines);
        Assert.Contains(lines, l => l.StartsWith("emit-refused ", StringComparison.Ordinal));
        foreach (var type in MessageSamples.UnionMembers())
        {
            var line = Assert.Single(lines, l => l.StartsWith($"bytes {type.FullName} ", StringComparison.Ordinal));
            var fields = line.Split(' ');
            var expected = Convert.ToHexString(MessagePackSerializer.Serialize((IImgMessage)MessageSamples.Create(type), ReferenceResolver.Options));
            Assert.Equal(expected, fields[2]);
            Assert.Equal(fields[2], fields[3]);
        }
    }

    private static string[] RunProbe()
    {
        var assembly = typeof(DynamicCodeOffProbe).Assembly.Location;
        var directory = Path.GetDirectoryName(assembly)!;
        var name = Path.GetFileNameWithoutExtension(assembly);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, name + ".runtimeconfig.json")))!.AsObject();
        var options = config["runtimeOptions"]!.AsObject();
        if (options["configProperties"] is not JsonObject properties)
            options["configProperties"] = properties = new JsonObject();
        properties[DynamicCodeSwitch] = false;

        var temp = Directory.CreateTempSubdirectory("img-dynamic-code-off-");
        try
        {
            var runtimeConfig = Path.Combine(temp.FullName, name + ".runtimeconfig.json");
            File.WriteAllText(runtimeConfig, config.ToJsonString());
            var start = new ProcessStartInfo(DotnetHost())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                ArgumentList = { "exec", "--runtimeconfig", runtimeConfig, "--depsfile", Path.Combine(directory, name + ".deps.json"), assembly },
            };
            start.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
            start.Environment[DynamicCodeOffProbe.Variable] = "1";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("the probe did not finish in 2 minutes");
            }
            process.WaitForExit();
            var output = stdout.Result;
            Assert.True(process.ExitCode == 0, $"probe exited with {process.ExitCode}{Environment.NewLine}{output}{stderr.Result}");
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    /// <summary>The host running this test (tests run under <c>dotnet</c>), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            return host;
        return Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
    }
}
