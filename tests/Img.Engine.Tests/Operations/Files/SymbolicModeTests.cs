using Img.Engine.Operations.Files;
using Xunit;

namespace Img.Engine.Tests.Operations.Files;

public sealed class SymbolicModeTests
{
    [Theory]
    [InlineData("u+x", 0x1A4u, false, 0x1E4u)]          // 0644 -> 0744
    [InlineData("+x", 0x1A4u, false, 0x1EDu)]           // 0644 -> 0755
    [InlineData("g-w,o-rwx", 0x1FFu, false, 0x1E8u)]    // 0777 -> 0750
    [InlineData("a=r", 0x1EDu, false, 0x124u)]          // 0755 -> 0444
    [InlineData("go=", 0x1FFu, false, 0x1C0u)]          // 0777 -> 0700
    [InlineData("a+X", 0x1A4u, false, 0x1A4u)]          // no x anywhere: unchanged
    [InlineData("a+X", 0x1C0u, false, 0x1C9u)]          // 0700 (has x) -> 0711
    [InlineData("a+X", 0x180u, true, 0x1C9u)]           // directory 0600 -> 0711
    [InlineData("u+s", 0x1EDu, false, 0x9EDu)]          // setuid
    [InlineData("g+s", 0x1EDu, false, 0x5EDu)]          // setgid
    [InlineData("o+s", 0x1EDu, false, 0x1EDu)]          // s for o alone does nothing
    [InlineData("+t", 0x1FFu, true, 0x3FFu)]            // sticky
    [InlineData("go=u", 0x1C0u, false, 0x1FFu)]         // copy user's bits
    [InlineData("go=u-w", 0x1C0u, false, 0x1EDu)]       // copy then remove w
    [InlineData("u+x-w", 0x1A4u, false, 0x164u)]        // two operators in one clause
    [InlineData("u=rwx,g=rx,o=", 0u, false, 0x1E8u)]
    [InlineData("755", 0x1FFu, false, 0x1EDu)]
    public void Applies_like_chmod(string expression, uint before, bool directory, uint after) =>
        Assert.Equal(after, SymbolicMode.Parse(expression).Apply(before, directory));

    [Theory]
    [InlineData("")]
    [InlineData("u")]
    [InlineData("u*x")]
    [InlineData("999")]
    public void Rejects_malformed_expressions(string expression) =>
        Assert.Throws<FormatException>(() => SymbolicMode.Parse(expression));
}
