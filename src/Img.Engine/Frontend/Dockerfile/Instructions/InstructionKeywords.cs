namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>The Dockerfile keywords, upper case, in a fixed order (for "did you mean" hints).</summary>
public static class InstructionKeywords
{
    public static IReadOnlyList<string> All { get; } =
    [
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    ];
}
