using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Frontend.Dockerfile.Parsing;

namespace Img.Engine.Tests.Frontend.Instructions;

internal static class InstructionTestHelper
{
    public static DockerfileInstructions Parse(string dockerfile, string fileName = "Dockerfile")
    {
        var parsed = DockerfileParser.Parse(dockerfile);
        return InstructionParser.Parse(parsed.Root, fileName, parsed.EscapeToken);
    }

    /// <summary>The single instruction of <c>FROM scratch</c> + <paramref name="line"/>.</summary>
    public static T One<T>(string line) where T : Instruction =>
        (T)Parse("FROM scratch\n" + line + "\n").Stages[0].Commands.Single();

    public static DockerfileException Error(string dockerfile, string fileName = "Dockerfile") =>
        Xunit.Assert.Throws<DockerfileException>(() => Parse(dockerfile, fileName));
}
