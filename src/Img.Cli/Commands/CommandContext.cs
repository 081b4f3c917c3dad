using Img.Cli.Hosting;
using Img.Engine.Registry.Credentials;

namespace Img.Cli.Commands;

/// <summary>What every command gets: the streams to use and the global options.</summary>
public sealed class CommandContext
{
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }
    public required Func<Stream> OpenStdin { get; init; }
    public string? StateFlag { get; init; }
    public bool Debug { get; init; }
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;
    /// <summary>
    /// docker's client configuration (<c>config.json</c>: logins, credential helpers), from
    /// <c>DOCKER_CONFIG</c> or <c>~/.docker</c> unless the app was given another directory.
    /// </summary>
    public string DockerConfigPath { get; init; } = DockerConfigFile.DefaultPath();
    /// <summary>The interactive terminal for prompts, or null when stdin is not a terminal.</summary>
    public ITerminal? Terminal { get; init; }
    /// <summary>Whether stderr is a terminal: progress is then drawn live instead of logged.</summary>
    public bool StderrIsTerminal { get; init; }

    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
